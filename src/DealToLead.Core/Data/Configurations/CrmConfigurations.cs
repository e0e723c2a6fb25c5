using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DealToLead.Core.Data.Configurations;

internal sealed class CompanySettingsConfiguration : IEntityTypeConfiguration<CompanySettings>
{
    public void Configure(EntityTypeBuilder<CompanySettings> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.CompanyName).HasMaxLength(200);
        builder.Property(s => s.MailSecret).HasMaxLength(100).HasDefaultValueSql("replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')");
    }
}

internal sealed class PipelineConfiguration : IEntityTypeConfiguration<Pipeline>
{
    public void Configure(EntityTypeBuilder<Pipeline> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.HasMany(p => p.Stages).WithOne(s => s.Pipeline).HasForeignKey(s => s.PipelineId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class StageConfiguration : IEntityTypeConfiguration<Stage>
{
    public void Configure(EntityTypeBuilder<Stage> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.HasIndex(s => new { s.PipelineId, s.OrderNr });
    }
}

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.Property(o => o.Name).HasMaxLength(255);
        builder.Property(o => o.Address).HasMaxLength(500);
        builder.Property(o => o.AddressParts).IsJsonbDictionary();
        builder.Property(o => o.CustomFields).IsJsonbDictionary();
        builder.HasOne(o => o.Owner).WithMany().HasForeignKey(o => o.OwnerId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(255);
        builder.Property(p => p.CustomFields).IsJsonbDictionary();
        builder.HasOne(p => p.Organization).WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(p => p.Owner).WithMany().HasForeignKey(p => p.OwnerId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class DealLabelConfiguration : IEntityTypeConfiguration<DealLabel>
{
    public void Configure(EntityTypeBuilder<DealLabel> builder)
    {
        builder.Property(l => l.Name).HasMaxLength(DealLabel.MaxNameLength);
        builder.HasIndex(l => l.Name).IsUnique();
    }
}

internal sealed class DealConfiguration : IEntityTypeConfiguration<Deal>
{
    public void Configure(EntityTypeBuilder<Deal> builder)
    {
        builder.HasQueryFilter(d => d.DeletedAt == null);
        builder.Property(d => d.Title).HasMaxLength(255);
        builder.Property(d => d.ValueCurrency).HasMaxLength(3).IsFixedLength();
        builder.Property(d => d.LostReason).HasMaxLength(500);
        builder.Property(d => d.CustomFields).IsJsonbDictionary();
        builder.Property(d => d.Version).IsRowVersion();
        builder.Ignore(d => d.Value);
        builder.HasOne(d => d.Owner).WithMany().HasForeignKey(d => d.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Person).WithMany().HasForeignKey(d => d.PersonId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(d => d.Organization).WithMany().HasForeignKey(d => d.OrganizationId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(d => d.Pipeline).WithMany().HasForeignKey(d => d.PipelineId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Stage).WithMany().HasForeignKey(d => d.StageId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(d => new { d.StageId, d.Status }).HasFilter("deleted_at IS NULL");
        // value_amount third: the deal list's owner + status + minimum value filter stays inside the index (docs/decisions/0003).
        // Visibility, the sort and the search text included: the list's count and its page of ids for that filter,
        // searched or not, are index-only scans (docs/decisions/0018).
        builder.HasIndex(d => new { d.OwnerId, d.Status, d.ValueAmount })
            .IncludeProperties(nameof(Deal.Visibility), nameof(Deal.CreatedAt), nameof(Deal.Id), TextSearch.Property).HasFilter("deleted_at IS NULL");
        // The same filter without the search text, a tenth of the size: the list's count reads it (docs/decisions/0023).
        builder.HasIndex(d => new { d.OwnerId, d.Status, d.ValueAmount }, "DealListCount").HasDatabaseName("ix_deals_owner_id_status_value_amount_narrow")
            .IncludeProperties(d => d.Visibility).HasFilter("deleted_at IS NULL");
        // The list's default order within an owner's open deals: the page walks it and stops after 50 (ADR 0018).
        builder.HasIndex(d => new { d.OwnerId, d.Status, d.CreatedAt, d.Id }).IncludeProperties(d => new { d.ValueAmount, d.Visibility }).HasFilter("deleted_at IS NULL");
        builder.HasIndex(d => d.DeletedAt).HasFilter("deleted_at IS NOT NULL");
        // The API's update_time sort and updated_since sync page through it by (updated_at, id) keyset (docs/decisions/0013).
        builder.HasIndex(d => new { d.UpdatedAt, d.Id }).HasFilter("deleted_at IS NULL");
        // Partial: a converted (soft-deleted) deal's new row version adds no trigram entries (docs/decisions/0018).
        builder.Property<string?>(TextSearch.Property).IsDatabaseMaintained();
        builder.HasIndex(TextSearch.Property).HasMethod("gin").HasOperators("gin_trgm_ops").HasFilter("deleted_at IS NULL");
    }
}

internal sealed class ActivityConfiguration : IEntityTypeConfiguration<Activity>
{
    public void Configure(EntityTypeBuilder<Activity> builder)
    {
        builder.Property(a => a.Subject).HasMaxLength(ActivityCommands.MaxSubjectLength);
        builder.ToTable(t => t.HasCheckConstraint("ck_activities_deal_or_lead", ItemOwnership.AtMostOneParent));
        builder.HasOne(a => a.Owner).WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Deal>().WithMany().HasForeignKey(a => a.DealId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Leads.Lead>().WithMany().HasForeignKey(a => a.LeadId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(a => a.PersonId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(a => a.DealId);
        builder.HasIndex(a => new { a.LeadId, a.Done, a.DueDate });
    }
}

internal sealed class NoteConfiguration : IEntityTypeConfiguration<Note>
{
    public void Configure(EntityTypeBuilder<Note> builder)
    {
        builder.Property(n => n.Content).HasMaxLength(100_000);
        builder.ToTable(t => t.HasCheckConstraint("ck_notes_deal_or_lead", ItemOwnership.AtMostOneParent));
        builder.HasOne(n => n.Author).WithMany().HasForeignKey(n => n.AuthorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Deal>().WithMany().HasForeignKey(n => n.DealId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Leads.Lead>().WithMany().HasForeignKey(n => n.LeadId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(n => n.PersonId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Organization>().WithMany().HasForeignKey(n => n.OrganizationId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(n => n.DealId);
        builder.HasIndex(n => n.LeadId);
    }
}

internal sealed class EmailMessageConfiguration : IEntityTypeConfiguration<EmailMessage>
{
    public void Configure(EntityTypeBuilder<EmailMessage> builder)
    {
        builder.ToTable("emails", t => t.HasCheckConstraint("ck_emails_deal_or_lead", ItemOwnership.AtMostOneParent));
        builder.Property(e => e.From).HasMaxLength(500);
        builder.Property(e => e.Subject).HasMaxLength(1000);
        builder.Property(e => e.MessageId).HasMaxLength(1000);
        builder.HasOne<Deal>().WithMany().HasForeignKey(e => e.DealId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Leads.Lead>().WithMany().HasForeignKey(e => e.LeadId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => e.DealId);
        builder.HasIndex(e => e.LeadId);
        builder.Property(e => e.ThreadKey).HasMaxLength(1000);
        builder.HasIndex(e => e.ReceivedMessageId);
        builder.HasOne<Mail.ReceivedMessage>().WithMany().HasForeignKey(e => e.ReceivedMessageId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(e => e.Attachments).WithOne().HasForeignKey(a => a.EmailId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> builder)
    {
        builder.Property(i => i.Number).HasMaxLength(50);
        builder.Property(i => i.Currency).HasMaxLength(3).IsFixedLength();
        builder.HasOne<Deal>().WithMany().HasForeignKey(i => i.DealId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DealHistoryEntryConfiguration : IEntityTypeConfiguration<DealHistoryEntry>
{
    public void Configure(EntityTypeBuilder<DealHistoryEntry> builder)
    {
        builder.Property(h => h.Field).HasMaxLength(100);
        builder.HasOne<Deal>().WithMany().HasForeignKey(h => h.DealId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(h => h.User).WithMany().HasForeignKey(h => h.UserId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(h => new { h.DealId, h.At });
    }
}

internal sealed class CustomFieldDefinitionConfiguration : IEntityTypeConfiguration<CustomFieldDefinition>
{
    public void Configure(EntityTypeBuilder<CustomFieldDefinition> builder)
    {
        builder.Property(f => f.Key).HasMaxLength(40);
        builder.Property(f => f.Name).HasMaxLength(200);
        builder.Property(f => f.FormulaExpression).HasMaxLength(1000);
        builder.HasIndex(f => f.Key).IsUnique();
        builder.HasIndex(f => new { f.Entity, f.OrderNr });
    }
}

/// <summary>An activity, note or email belongs to a deal or a lead, never both: the database holds every writer to it.</summary>
internal static class ItemOwnership
{
    public const string AtMostOneParent = "deal_id IS NULL OR lead_id IS NULL";
}
