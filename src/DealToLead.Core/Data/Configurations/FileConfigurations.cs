using DealToLead.Core.Crm;
using DealToLead.Core.Files;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DealToLead.Core.Data.Configurations;

internal sealed class AttachedFileConfiguration : IEntityTypeConfiguration<AttachedFile>
{
    public void Configure(EntityTypeBuilder<AttachedFile> builder)
    {
        builder.ToTable("files", t => t.HasCheckConstraint("ck_files_deal_or_lead", ItemOwnership.AtMostOneParent));
        builder.Property(f => f.FileName).HasMaxLength(AttachedFile.MaxNameLength);
        builder.Property(f => f.Description).HasMaxLength(AttachedFile.MaxDescriptionLength);
        builder.Property(f => f.ContentType).HasMaxLength(200);
        builder.HasOne(f => f.UploadedBy).WithMany().HasForeignKey(f => f.UploadedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Deal>().WithMany().HasForeignKey(f => f.DealId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Leads.Lead>().WithMany().HasForeignKey(f => f.LeadId).OnDelete(DeleteBehavior.Cascade);
        // The bytes are their own table, so that the rows of files (listed on every deal and lead page) stay narrow.
        builder.HasOne<AttachedFileContent>().WithOne().HasForeignKey<AttachedFileContent>(c => c.FileId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(f => f.DealId);
        builder.HasIndex(f => f.LeadId);
    }
}

internal sealed class AttachedFileContentConfiguration : IEntityTypeConfiguration<AttachedFileContent>
{
    public void Configure(EntityTypeBuilder<AttachedFileContent> builder)
    {
        builder.ToTable("file_contents");
        builder.HasKey(c => c.FileId);
        builder.Property(c => c.FileId).ValueGeneratedNever();
    }
}
