using DealToLead.Core.Users;

namespace DealToLead.Core.Conversions;

public static class BulkConversionJobAccess
{
    /// <summary>A user sees the bulk conversions they started; global admins see all.</summary>
    public static IQueryable<BulkConversionJob> VisibleTo(this IQueryable<BulkConversionJob> jobs, UserAccess user) =>
        user.IsGlobalAdmin ? jobs : jobs.Where(j => j.RequestedById == user.UserId);
}
