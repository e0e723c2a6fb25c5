using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DealToLead.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class PipedriveFields : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "address_parts",
                table: "organizations",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<Guid>(
                name: "source_lead_id",
                table: "deals",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "deal_labels",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deal_labels", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_deal_labels_name",
                table: "deal_labels",
                column: "name",
                unique: true);

            // Deals kept their labels as names: each name in use gets its number once.
            migrationBuilder.Sql("""
                INSERT INTO deal_labels (name)
                SELECT DISTINCT label FROM deals, unnest(labels) AS label WHERE length(label) <= 100
                ON CONFLICT (name) DO NOTHING;
                """);
            // Conversions are kept for a week: deals made from a lead within it get their link back.
            migrationBuilder.Sql("""
                UPDATE deals SET source_lead_id = c.lead_id
                FROM conversions c
                WHERE c.deal_id = deals.id AND c.direction = 'LeadToDeal' AND c.status = 'Completed';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "deal_labels");

            migrationBuilder.DropColumn(
                name: "address_parts",
                table: "organizations");

            migrationBuilder.DropColumn(
                name: "source_lead_id",
                table: "deals");
        }
    }
}
