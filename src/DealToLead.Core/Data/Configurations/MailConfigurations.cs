using DealToLead.Core.Mail;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DealToLead.Core.Data.Configurations;

internal sealed class ReceivedMessageConfiguration : IEntityTypeConfiguration<ReceivedMessage>
{
    public void Configure(EntityTypeBuilder<ReceivedMessage> builder)
    {
        builder.Property(m => m.MailboxKey).HasMaxLength(100);
        builder.Property(m => m.Folder).HasMaxLength(300);
        builder.Property(m => m.MessageId).HasMaxLength(1000);
        builder.Property(m => m.From).HasMaxLength(500);
        builder.Property(m => m.Subject).HasMaxLength(1000);
        builder.Property(m => m.Reason).HasMaxLength(1000);
        // The two halves of "stored once however often it is fetched" (docs/decisions/0015).
        builder.HasIndex(m => new { m.MailboxKey, m.Folder, m.UidValidity, m.Uid }).IsUnique();
        builder.HasIndex(m => new { m.MailboxKey, m.MessageId }).IsUnique().HasFilter("message_id IS NOT NULL");
        builder.HasIndex(m => new { m.Status, m.ReceivedAt });
    }
}

internal sealed class MailFolderStateConfiguration : IEntityTypeConfiguration<MailFolderState>
{
    public void Configure(EntityTypeBuilder<MailFolderState> builder)
    {
        builder.HasKey(s => new { s.MailboxKey, s.Folder });
        builder.Property(s => s.MailboxKey).HasMaxLength(100);
        builder.Property(s => s.Folder).HasMaxLength(300);
    }
}

internal sealed class MailboxConnectionConfiguration : IEntityTypeConfiguration<MailboxConnection>
{
    public void Configure(EntityTypeBuilder<MailboxConnection> builder)
    {
        builder.Property(c => c.Host).HasMaxLength(255);
        builder.Property(c => c.UserName).HasMaxLength(320);
        builder.Property(c => c.LastError).HasMaxLength(1000);
        builder.HasIndex(c => c.UserId).IsUnique();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EmailAttachmentConfiguration : IEntityTypeConfiguration<EmailAttachment>
{
    public void Configure(EntityTypeBuilder<EmailAttachment> builder)
    {
        builder.Property(a => a.FileName).HasMaxLength(255);
        builder.Property(a => a.ContentType).HasMaxLength(200);
        builder.HasIndex(a => a.EmailId);
    }
}
