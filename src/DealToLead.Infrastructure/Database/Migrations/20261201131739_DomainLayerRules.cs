using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DealToLead.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class DomainLayerRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "default_visibility",
                table: "company_settings",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "EntireCompany");

            // Before the constraint: an API bug could set a lead's item's deal_id too; the lead was its home.
            foreach (var table in new[] { "activities", "notes", "emails" })
            {
                migrationBuilder.Sql($"UPDATE {table} SET deal_id = NULL WHERE deal_id IS NOT NULL AND lead_id IS NOT NULL;");
            }

            // Owner-only now means what it says (ADR 0011): the built-in regular set no longer sees or edits other
            // users' deals and leads. The built-in Manager set, made at start-up, has both.
            migrationBuilder.Sql("DELETE FROM permission_grants WHERE permission_set_id = 1 AND permission IN ('SeeDealsOfOthers', 'EditDealsOwnedByOthers');");

            migrationBuilder.AddCheckConstraint(
                name: "ck_notes_deal_or_lead",
                table: "notes",
                sql: "deal_id IS NULL OR lead_id IS NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_emails_deal_or_lead",
                table: "emails",
                sql: "deal_id IS NULL OR lead_id IS NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_activities_deal_or_lead",
                table: "activities",
                sql: "deal_id IS NULL OR lead_id IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_notes_deal_or_lead",
                table: "notes");

            migrationBuilder.DropCheckConstraint(
                name: "ck_emails_deal_or_lead",
                table: "emails");

            migrationBuilder.DropCheckConstraint(
                name: "ck_activities_deal_or_lead",
                table: "activities");

            migrationBuilder.DropColumn(
                name: "default_visibility",
                table: "company_settings");
        }
    }
}
