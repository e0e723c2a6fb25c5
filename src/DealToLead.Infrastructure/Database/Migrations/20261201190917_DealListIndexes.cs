using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DealToLead.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class DealListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deals_owner_id_status_value_amount",
                table: "deals");

            migrationBuilder.CreateIndex(
                name: "ix_deals_owner_id_status_created_at_id",
                table: "deals",
                columns: new[] { "owner_id", "status", "created_at", "id" },
                filter: "deleted_at IS NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "value_amount", "visibility" });

            migrationBuilder.CreateIndex(
                name: "ix_deals_owner_id_status_value_amount",
                table: "deals",
                columns: new[] { "owner_id", "status", "value_amount" },
                filter: "deleted_at IS NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "visibility", "created_at", "id", "search_text" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deals_owner_id_status_created_at_id",
                table: "deals");

            migrationBuilder.DropIndex(
                name: "ix_deals_owner_id_status_value_amount",
                table: "deals");

            migrationBuilder.CreateIndex(
                name: "ix_deals_owner_id_status_value_amount",
                table: "deals",
                columns: new[] { "owner_id", "status", "value_amount" },
                filter: "deleted_at IS NULL");
        }
    }
}
