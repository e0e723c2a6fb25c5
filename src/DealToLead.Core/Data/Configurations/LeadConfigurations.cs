using DealToLead.Core.Common;
using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.Leads;
using DealToLead.Core.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DealToLead.Core.Data.Configurations;

internal sealed class LeadConfiguration : IEntityTypeConfiguration<Lead>
{
    public void Configure(EntityTypeBuilder<Lead> builder)
    {
        builder.Property(l => l.Title).HasMaxLength(LeadCommands.MaxTitleLength);
        builder.Property(l => l.ValueCurrency).HasMaxLength(3).IsFixedLength();
        builder.Property(l => l.CustomFields).IsJsonbDictionary();
        builder.Property(l => l.Version).IsRowVersion();
        builder.Ignore(l => l.Value);
        builder.HasOne(l => l.Owner).WithMany().HasForeignKey(l => l.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(l => l.Person).WithMany().HasForeignKey(l => l.PersonId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(l => l.Organization).WithMany().HasForeignKey(l => l.OrganizationId).OnDelete(DeleteBehavior.SetNull);
        // Deals are soft-deleted and purged after 30 days; the lead outlives its origin deal.
        builder.HasOne<Deal>().WithMany().HasForeignKey(l => l.OriginDealId).OnDelete(DeleteBehavior.SetNull);
        builder.ToTable(t => t.HasCheckConstraint("ck_leads_person_or_organization", "person_id IS NOT NULL OR organization_id IS NOT NULL"));
        // The inbox's sort order (created_at, id) as keys and the visibility columns included: its page of ids and its
        // count are index-only scans for every user, with no sort step (docs/decisions/0004).
        builder.HasIndex(l => new { l.IsArchived, l.Source, l.CreatedAt, l.Id }).IncludeProperties(l => new { l.OwnerId, l.Visibility });
        builder.HasIndex(l => new { l.IsArchived, l.CreatedAt, l.Id }).IncludeProperties(l => new { l.OwnerId, l.Visibility });
        builder.HasIndex(l => new { l.OwnerId, l.IsArchived });
        builder.HasIndex(l => l.OriginDealId);
        builder.Property<string?>(TextSearch.Property).IsDatabaseMaintained();
        builder.HasIndex(TextSearch.Property).HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}

internal sealed class LeadLabelConfiguration : IEntityTypeConfiguration<LeadLabel>
{
    public void Configure(EntityTypeBuilder<LeadLabel> builder)
    {
        builder.Property(l => l.Name).HasMaxLength(100);
        builder.HasIndex(l => l.Name).IsUnique();
    }
}

internal sealed class LeadLogEntryConfiguration : IEntityTypeConfiguration<LeadLogEntry>
{
    public void Configure(EntityTypeBuilder<LeadLogEntry> builder)
    {
        builder.HasOne<Lead>().WithMany().HasForeignKey(e => e.LeadId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(e => e.User).WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(e => new { e.LeadId, e.At });
    }
}

internal sealed class ConversionConfiguration : IEntityTypeConfiguration<Conversion>
{
    public void Configure(EntityTypeBuilder<Conversion> builder)
    {
        builder.Property(c => c.Reason).HasMaxLength(500);
        builder.HasIndex(c => c.DealId);
        builder.HasIndex(c => c.LeadId);
        builder.HasIndex(c => c.CreatedAt);
    }
}

internal sealed class BulkConversionJobConfiguration : IEntityTypeConfiguration<BulkConversionJob>
{
    public void Configure(EntityTypeBuilder<BulkConversionJob> builder)
    {
        builder.Property(j => j.FilterDescription).HasMaxLength(2000);
        builder.Property(j => j.LeasedBy).HasMaxLength(200);
        builder.HasMany(j => j.Items).WithOne().HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(j => new { j.Status, j.LeasedUntil });
        builder.HasIndex(j => new { j.RequestedById, j.CreatedAt });
    }
}

internal sealed class BulkConversionJobItemConfiguration : IEntityTypeConfiguration<BulkConversionJobItem>
{
    public void Configure(EntityTypeBuilder<BulkConversionJobItem> builder)
    {
        builder.Property(i => i.Reason).HasMaxLength(500);
        builder.Property(i => i.DealTitle).HasMaxLength(255);
        builder.HasIndex(i => new { i.JobId, i.Position }).IsUnique();
    }
}

internal sealed class OutboxEmailConfiguration : IEntityTypeConfiguration<OutboxEmail>
{
    public void Configure(EntityTypeBuilder<OutboxEmail> builder)
    {
        builder.Property(e => e.To).HasMaxLength(320);
        builder.Property(e => e.Subject).HasMaxLength(500);
        builder.Property(e => e.LastError).HasMaxLength(2000);
        builder.HasIndex(e => e.NextAttemptAt).HasFilter("sent_at IS NULL");
    }
}
