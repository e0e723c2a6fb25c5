using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DealToLead.Core.Data.Configurations;

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.Property(u => u.ApiTokenHash).HasMaxLength(64);
        builder.Property(u => u.Language).HasMaxLength(AppUser.MaxLanguageLength);
        builder.HasIndex(u => u.ApiTokenHash).IsUnique();
        builder.HasOne(u => u.PermissionSet).WithMany(s => s.Users).HasForeignKey(u => u.PermissionSetId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PermissionSetConfiguration : IEntityTypeConfiguration<PermissionSet>
{
    public void Configure(EntityTypeBuilder<PermissionSet> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.Property(s => s.Description).HasMaxLength(500);
        builder.HasIndex(s => s.Name).IsUnique();
        builder.HasMany(s => s.Grants).WithOne().HasForeignKey(g => g.PermissionSetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PermissionGrantConfiguration : IEntityTypeConfiguration<PermissionGrant>
{
    public void Configure(EntityTypeBuilder<PermissionGrant> builder)
    {
        builder.HasKey(g => new { g.PermissionSetId, g.Permission });
    }
}

internal sealed class PermissionAuditEntryConfiguration : IEntityTypeConfiguration<PermissionAuditEntry>
{
    public void Configure(EntityTypeBuilder<PermissionAuditEntry> builder)
    {
        builder.Property(e => e.Change).HasMaxLength(500);
        builder.HasIndex(e => e.At);
        builder.HasOne(e => e.ChangedBy).WithMany().HasForeignKey(e => e.ChangedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(e => e.TargetUser).WithMany().HasForeignKey(e => e.TargetUserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(e => e.PermissionSet).WithMany().HasForeignKey(e => e.PermissionSetId).OnDelete(DeleteBehavior.SetNull);
    }
}
