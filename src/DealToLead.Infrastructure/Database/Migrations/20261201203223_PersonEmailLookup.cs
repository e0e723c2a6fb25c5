using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DealToLead.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class PersonEmailLookup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Inbound mail and email sync find the persons among a message's participants, case-insensitively.
            migrationBuilder.Sql("""
                CREATE FUNCTION lower_emails(emails text[]) RETURNS text[]
                    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
                    RETURN ARRAY(SELECT lower(e) FROM unnest(emails) AS e);
                CREATE INDEX ix_persons_lower_emails ON persons USING gin (lower_emails(emails));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_persons_lower_emails; DROP FUNCTION lower_emails(text[]);");
        }
    }
}
