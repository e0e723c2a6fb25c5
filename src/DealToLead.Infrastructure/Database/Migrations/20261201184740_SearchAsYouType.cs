using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DealToLead.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class SearchAsYouType : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "leads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "deals",
                type: "text",
                nullable: true);

            // One trigger writes the search text for every path that saves a lead or a deal (pages, API, the
            // conversion's single statement, imports); a rename of a person or an organization rewrites the text
            // of their leads and deals by touching the key column, which fires the row trigger again (ADR 0018).
            migrationBuilder.Sql("""
                CREATE FUNCTION leads_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.search_text := concat_ws(' ', NEW.title,
                        (SELECT p.name || ' ' || array_to_string(p.emails, ' ') FROM persons p WHERE p.id = NEW.person_id),
                        (SELECT o.name FROM organizations o WHERE o.id = NEW.organization_id));
                    RETURN NEW;
                END $$;
                CREATE TRIGGER leads_search_text BEFORE INSERT OR UPDATE OF title, person_id, organization_id ON leads
                    FOR EACH ROW EXECUTE FUNCTION leads_search_text();

                CREATE FUNCTION deals_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.search_text := concat_ws(' ', NEW.title,
                        (SELECT p.name FROM persons p WHERE p.id = NEW.person_id),
                        (SELECT o.name FROM organizations o WHERE o.id = NEW.organization_id));
                    RETURN NEW;
                END $$;
                CREATE TRIGGER deals_search_text BEFORE INSERT OR UPDATE OF title, person_id, organization_id ON deals
                    FOR EACH ROW EXECUTE FUNCTION deals_search_text();

                CREATE FUNCTION persons_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE leads SET person_id = person_id WHERE person_id = NEW.id;
                    IF OLD.name IS DISTINCT FROM NEW.name THEN
                        UPDATE deals SET person_id = person_id WHERE person_id = NEW.id;
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER persons_search_text AFTER UPDATE OF name, emails ON persons FOR EACH ROW
                    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.emails IS DISTINCT FROM NEW.emails)
                    EXECUTE FUNCTION persons_search_text();

                CREATE FUNCTION organizations_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE leads SET organization_id = organization_id WHERE organization_id = NEW.id;
                    UPDATE deals SET organization_id = organization_id WHERE organization_id = NEW.id;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER organizations_search_text AFTER UPDATE OF name ON organizations FOR EACH ROW
                    WHEN (OLD.name IS DISTINCT FROM NEW.name)
                    EXECUTE FUNCTION organizations_search_text();

                UPDATE leads SET title = title;
                UPDATE deals SET title = title;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_leads_search_text",
                table: "leads",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_deals_search_text",
                table: "deals",
                column: "search_text",
                filter: "deleted_at IS NULL")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER organizations_search_text ON organizations;
                DROP TRIGGER persons_search_text ON persons;
                DROP TRIGGER deals_search_text ON deals;
                DROP TRIGGER leads_search_text ON leads;
                DROP FUNCTION organizations_search_text();
                DROP FUNCTION persons_search_text();
                DROP FUNCTION deals_search_text();
                DROP FUNCTION leads_search_text();
                """);

            migrationBuilder.DropIndex(
                name: "ix_leads_search_text",
                table: "leads");

            migrationBuilder.DropIndex(
                name: "ix_deals_search_text",
                table: "deals");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "leads");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "deals");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
