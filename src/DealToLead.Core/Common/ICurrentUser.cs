namespace DealToLead.Core.Common;

public interface ICurrentUser
{
    int? UserId { get; }
}
