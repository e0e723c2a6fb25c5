using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DealToLead.Infrastructure.Database.Migrations
{
    /// <summary>
    /// The planner prices a LIKE at one operator cost, so a walk of the created-at index that tests 85,000 search texts
    /// looked cheaper than a trigram bitmap of 1,300 rows ("lunarpo": 68–102 ms instead of 8 ms; docs/decisions/0027).
    /// Changing a built-in function needs a superuser; run as any other role, the migration leaves the planner's default.
    /// </summary>
    public partial class LikeCostsTenOperators : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(LikeCost(10));

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(LikeCost(1));

        private static string LikeCost(int cost) => $"""
            DO $$
            BEGIN
                IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                    ALTER FUNCTION pg_catalog.textlike(text, text) COST {cost};
                END IF;
            END $$;
            """;
    }
}
