using DealToLead.Core.Common;
using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Files;
using DealToLead.Core.Leads;
using DealToLead.Core.Notifications;
using DealToLead.Core.Users;
using DealToLead.Core.Webhooks;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Data;

public class CrmDbContext(DbContextOptions<CrmDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole<int>, int>(options), IDataProtectionKeyContext
{
    public DbSet<PermissionSet> PermissionSets => Set<PermissionSet>();
    public DbSet<PermissionGrant> PermissionGrants => Set<PermissionGrant>();
    public DbSet<PermissionAuditEntry> PermissionAudit => Set<PermissionAuditEntry>();
    public DbSet<CompanySettings> CompanySettings => Set<CompanySettings>();
    public DbSet<Pipeline> Pipelines => Set<Pipeline>();
    public DbSet<Stage> Stages => Set<Stage>();
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Person> Persons => Set<Person>();
    public DbSet<Deal> Deals => Set<Deal>();
    public DbSet<DealLabel> DealLabels => Set<DealLabel>();
    public DbSet<Activity> Activities => Set<Activity>();
    public DbSet<Note> Notes => Set<Note>();
    public DbSet<EmailMessage> Emails => Set<EmailMessage>();
    public DbSet<AttachedFile> Files => Set<AttachedFile>();
    public DbSet<AttachedFileContent> FileContents => Set<AttachedFileContent>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<DealHistoryEntry> DealHistory => Set<DealHistoryEntry>();
    public DbSet<CustomFieldDefinition> CustomFields => Set<CustomFieldDefinition>();
    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<LeadLabel> LeadLabels => Set<LeadLabel>();
    public DbSet<LeadLogEntry> LeadLog => Set<LeadLogEntry>();
    public DbSet<Conversion> Conversions => Set<Conversion>();
    public DbSet<BulkConversionJob> BulkConversionJobs => Set<BulkConversionJob>();
    public DbSet<BulkConversionJobItem> BulkConversionJobItems => Set<BulkConversionJobItem>();
    public DbSet<OutboxEmail> OutboxEmails => Set<OutboxEmail>();
    public DbSet<Webhook> Webhooks => Set<Webhook>();
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<Mail.ReceivedMessage> ReceivedMessages => Set<Mail.ReceivedMessage>();
    public DbSet<Mail.MailFolderState> MailFolderStates => Set<Mail.MailFolderState>();
    public DbSet<Mail.MailboxConnection> MailboxConnections => Set<Mail.MailboxConnection>();
    public DbSet<Mail.EmailAttachment> EmailAttachments => Set<Mail.EmailAttachment>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Trigram indexes for search as you type (docs/decisions/0018); contrib, shipped with the server.
        builder.HasPostgresExtension("pg_trgm");
        // Identity names its tables explicitly ("AspNetUsers"), which the snake_case convention leaves alone.
        builder.Entity<AppUser>().ToTable("users");
        builder.Entity<IdentityRole<int>>().ToTable("roles");
        builder.Entity<IdentityUserRole<int>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<int>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<int>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<int>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<int>>().ToTable("role_claims");
        builder.ApplyConfigurationsFromAssembly(typeof(CrmDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
        configurationBuilder.Properties<decimal>().HavePrecision(18, 2);
    }
}
