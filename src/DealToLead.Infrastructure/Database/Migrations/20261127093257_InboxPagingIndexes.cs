using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DealToLead.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class InboxPagingIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_leads_is_archived_created_at",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "ix_leads_is_archived_source_created_at",
                table: "leads");

            migrationBuilder.CreateIndex(
                name: "ix_leads_is_archived_created_at_id",
                table: "leads",
                columns: new[] { "is_archived", "created_at", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "owner_id", "visibility" });

            migrationBuilder.CreateIndex(
                name: "ix_leads_is_archived_source_created_at_id",
                table: "leads",
                columns: new[] { "is_archived", "source", "created_at", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "owner_id", "visibility" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_leads_is_archived_created_at_id",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "ix_leads_is_archived_source_created_at_id",
                table: "leads");

            migrationBuilder.CreateIndex(
                name: "ix_leads_is_archived_created_at",
                table: "leads",
                columns: new[] { "is_archived", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_leads_is_archived_source_created_at",
                table: "leads",
                columns: new[] { "is_archived", "source", "created_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "id" });
        }
    }
}
