using DealToLead.Core.Users;
using DealToLead.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DealToLead.Core.Data.Configurations;

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> builder)
    {
        builder.Property(w => w.Name).HasMaxLength(Webhook.MaxNameLength);
        builder.Property(w => w.SubscriptionUrl).HasMaxLength(Webhook.MaxUrlLength);
        builder.Property(w => w.EventAction).HasMaxLength(20);
        builder.Property(w => w.EventObject).HasMaxLength(20);
        builder.Property(w => w.Version).HasMaxLength(10);
        builder.Property(w => w.HttpAuthUser).HasMaxLength(Webhook.MaxAuthUserLength);
        builder.Property(w => w.ProtectedHttpAuthPassword).HasMaxLength(2000);
        builder.Property(w => w.PausedReason).HasMaxLength(Webhook.MaxReasonLength);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(w => w.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(w => w.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(w => w.IsActive);
    }
}

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> builder)
    {
        builder.Property(e => e.Action).HasMaxLength(20);
        builder.Property(e => e.Entity).HasMaxLength(20);
        builder.Property(e => e.EntityId).HasMaxLength(40);
        builder.Property(e => e.ChangeSource).HasMaxLength(10);
        // json, not jsonb: kept as written, so data arrives byte for byte as the API renders it (jsonb would reorder keys).
        builder.Property(e => e.Data).HasColumnType("json");
        builder.Property(e => e.Previous).HasColumnType("json");
        builder.HasIndex(e => e.OccurredAt);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.Property(d => d.LastError).HasMaxLength(2000);
        builder.HasOne(d => d.Event).WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
        // What the sender claims next: due deliveries waiting for an attempt.
        builder.HasIndex(d => d.NextAttemptAt).HasFilter("status = 'Pending'");
        // What it finds abandoned: claims whose sender died.
        builder.HasIndex(d => d.ClaimedUntil).HasFilter("status = 'Sending'");
        // A webhook's recent deliveries, for its page.
        builder.HasIndex(d => new { d.WebhookId, d.Id });
    }
}
