using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Mail;

public sealed record AttachmentInfo(int Id, int EmailId, string FileName, string ContentType, int Size);

/// <summary>A conversation: the messages that share a thread root (References / In-Reply-To), oldest first.</summary>
public sealed record EmailThread(string Subject, DateTimeOffset LatestAt, IReadOnlyList<EmailMessage> Messages);

public sealed record EmailThreadList(IReadOnlyList<EmailThread> Threads, ILookup<int, AttachmentInfo> Attachments)
{
    public int Count => Threads.Sum(t => t.Messages.Count);
}

public static class EmailThreads
{
    /// <summary>The deal's or lead's emails as conversations, the one with the newest message first; attachments without their content.</summary>
    public static async Task<EmailThreadList> LoadAsync(CrmDbContext db, ItemParent parent, CancellationToken cancellationToken = default)
    {
        var emails = await db.Emails.AsNoTracking()
            .Where(e => parent.DealId != null ? e.DealId == parent.DealId : e.LeadId == parent.LeadId)
            .OrderByDescending(e => e.SentAt).ThenByDescending(e => e.Id).ToListAsync(cancellationToken);
        var ids = emails.Select(e => e.Id).ToList();
        var attachments = (await db.EmailAttachments.AsNoTracking().Where(a => ids.Contains(a.EmailId))
            .Select(a => new AttachmentInfo(a.Id, a.EmailId, a.FileName, a.ContentType, a.Size)).ToListAsync(cancellationToken))
            .ToLookup(a => a.EmailId);
        var threads = emails.GroupBy(e => e.ThreadKey ?? $"email-{e.Id}")
            .Select(g => new EmailThread(g.Last().Subject, g.Max(e => e.SentAt), g.OrderBy(e => e.SentAt).ThenBy(e => e.Id).ToList()))
            .OrderByDescending(t => t.LatestAt).ToList();
        return new EmailThreadList(threads, attachments);
    }
}
