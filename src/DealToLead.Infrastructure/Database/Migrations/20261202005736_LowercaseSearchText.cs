using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DealToLead.Infrastructure.Database.Migrations
{
    /// <summary>
    /// The search text is stored lowercased and searched with <c>LIKE</c>: <c>ILIKE</c> in a UTF-8 database lowercases
    /// every row it tests, which made it the largest cost of a search. A finer histogram of the text lets the planner
    /// tell a term matching 0.1 % of the rows from one matching 5 %, and so choose between the trigram index and a walk
    /// of the sorted index (ADR 0023).
    /// </summary>
    public partial class LowercaseSearchText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SearchTextFunctions("lower"));
            migrationBuilder.Sql("""
                UPDATE leads SET search_text = lower(search_text) WHERE search_text <> lower(search_text);
                UPDATE deals SET search_text = lower(search_text) WHERE search_text <> lower(search_text);
                ALTER TABLE leads ALTER COLUMN search_text SET STATISTICS 1000;
                ALTER TABLE deals ALTER COLUMN search_text SET STATISTICS 1000;
                ANALYZE leads (search_text);
                ANALYZE deals (search_text);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SearchTextFunctions(""));
            migrationBuilder.Sql("""
                ALTER TABLE leads ALTER COLUMN search_text SET STATISTICS -1;
                ALTER TABLE deals ALTER COLUMN search_text SET STATISTICS -1;
                UPDATE leads SET title = title;
                UPDATE deals SET title = title;
                """);
        }

        private static string SearchTextFunctions(string wrap) => $$"""
            CREATE OR REPLACE FUNCTION leads_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search_text := {{wrap}}(concat_ws(' ', NEW.title,
                    (SELECT p.name || ' ' || array_to_string(p.emails, ' ') FROM persons p WHERE p.id = NEW.person_id),
                    (SELECT o.name FROM organizations o WHERE o.id = NEW.organization_id)));
                RETURN NEW;
            END $$;

            CREATE OR REPLACE FUNCTION deals_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search_text := {{wrap}}(concat_ws(' ', NEW.title,
                    (SELECT p.name FROM persons p WHERE p.id = NEW.person_id),
                    (SELECT o.name FROM organizations o WHERE o.id = NEW.organization_id)));
                RETURN NEW;
            END $$;
            """;
    }
}
