using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Settings;

public sealed record PermissionAuditRow(DateTimeOffset At, string ChangedBy, string? TargetUser, int? TargetUserId, int? PermissionSetId, string Change);

/// <summary>The permission audit log as the settings pages show it: newest first.</summary>
public static class PermissionAuditLog
{
    public static Task<List<PermissionAuditRow>> RecentAsync(CrmDbContext db, int take, int? setId = null, int? userId = null) =>
        db.PermissionAudit.AsNoTracking()
            .Where(e => setId == null || e.PermissionSetId == setId)
            .Where(e => userId == null || e.TargetUserId == userId)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Take(take)
            .Select(e => new PermissionAuditRow(
                e.At, e.ChangedBy!.DisplayName, e.TargetUser == null ? null : e.TargetUser.DisplayName, e.TargetUserId, e.PermissionSetId, e.Change))
            .ToListAsync();
}
