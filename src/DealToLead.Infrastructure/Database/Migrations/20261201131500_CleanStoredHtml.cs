using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DealToLead.Infrastructure.Database.Migrations;

/// <summary>
/// No schema change: marks the point from which views show stored note and email HTML as it is. When this migration
/// is applied, <see cref="StoredHtmlBackfill"/> sanitizes the rows written before it (see DatabaseMigrator).
/// </summary>
[DbContext(typeof(CrmDbContext))]
[Migration(Id)]
public class CleanStoredHtml : Migration
{
    public const string Id = "20261201131500_CleanStoredHtml";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
    }
}
