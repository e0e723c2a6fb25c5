using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DealToLead.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class DealsWithoutContacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_deals_person_or_organization",
                table: "deals");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddCheckConstraint(
                name: "ck_deals_person_or_organization",
                table: "deals",
                sql: "person_id IS NOT NULL OR organization_id IS NOT NULL");
        }
    }
}
