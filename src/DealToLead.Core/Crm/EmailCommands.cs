using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Crm;

/// <summary>Emails attached to deals and leads (an uploaded <c>.eml</c> or an API body); see <see cref="RecordAccess"/>.</summary>
public sealed class EmailCommands(CrmDbContext db, TimeProvider clock)
{
    public async Task<CommandResult<EmailMessage>> AttachEmlAsync(UserAccess actor, ItemParent parent, Stream eml, CancellationToken cancellationToken = default)
    {
        if (parent == default || ItemRules.RefuseBoth(parent) is not null)
        {
            return CommandError.Invalid("An email is attached to one deal or one lead.");
        }

        if (await RecordAccess.CheckParentAsync(db, actor, parent, toEdit: true, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var email = await EmlImport.ParseAsync(eml, parent.DealId ?? 0, clock.GetUtcNow(), cancellationToken);
        if (email is null)
        {
            return CommandError.Invalid("That is not an email message (.eml, RFC 822).");
        }

        (email.DealId, email.LeadId) = (parent.DealId, parent.LeadId);
        db.Emails.Add(email);
        await db.SaveChangesAsync(cancellationToken);
        return email;
    }

    public Task<CommandResult<EmailMessage>> DeleteAsync(UserAccess actor, int emailId, CancellationToken cancellationToken = default) =>
        ItemRules.DeleteAsync<EmailMessage>(db, actor, emailId, "Email", cancellationToken);
}
