using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DealToLead.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class InboundMail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "received_message_id",
                table: "emails",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "thread_key",
                table: "emails",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "mail_secret",
                table: "company_settings",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true,
                defaultValueSql: "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')");

            migrationBuilder.CreateTable(
                name: "email_attachments",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    email_id = table.Column<int>(type: "integer", nullable: false),
                    file_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    content_type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    size = table.Column<int>(type: "integer", nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_email_attachments", x => x.id);
                    table.ForeignKey(
                        name: "fk_email_attachments_emails_email_id",
                        column: x => x.email_id,
                        principalTable: "emails",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mail_folder_states",
                columns: table => new
                {
                    mailbox_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    folder = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    uid_validity = table.Column<long>(type: "bigint", nullable: false),
                    last_uid = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mail_folder_states", x => new { x.mailbox_key, x.folder });
                });

            migrationBuilder.CreateTable(
                name: "mailbox_connections",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<int>(type: "integer", nullable: false),
                    host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    port = table.Column<int>(type: "integer", nullable: false),
                    security = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    user_name = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    protected_password = table.Column<string>(type: "text", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    connected_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_sync_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    last_error_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    messages_read = table.Column<int>(type: "integer", nullable: false),
                    messages_linked = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mailbox_connections", x => x.id);
                    table.ForeignKey(
                        name: "fk_mailbox_connections_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "received_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    mailbox_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    folder = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    uid_validity = table.Column<long>(type: "bigint", nullable: false),
                    uid = table.Column<long>(type: "bigint", nullable: false),
                    message_id = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    from = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    subject = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    raw = table.Column<byte[]>(type: "bytea", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_received_messages", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_emails_received_message_id",
                table: "emails",
                column: "received_message_id");

            migrationBuilder.CreateIndex(
                name: "ix_email_attachments_email_id",
                table: "email_attachments",
                column: "email_id");

            migrationBuilder.CreateIndex(
                name: "ix_mailbox_connections_user_id",
                table: "mailbox_connections",
                column: "user_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_received_messages_mailbox_key_folder_uid_validity_uid",
                table: "received_messages",
                columns: new[] { "mailbox_key", "folder", "uid_validity", "uid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_received_messages_mailbox_key_message_id",
                table: "received_messages",
                columns: new[] { "mailbox_key", "message_id" },
                unique: true,
                filter: "message_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_received_messages_status_received_at",
                table: "received_messages",
                columns: new[] { "status", "received_at" });

            migrationBuilder.AddForeignKey(
                name: "fk_emails_received_messages_received_message_id",
                table: "emails",
                column: "received_message_id",
                principalTable: "received_messages",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_emails_received_messages_received_message_id",
                table: "emails");

            migrationBuilder.DropTable(
                name: "email_attachments");

            migrationBuilder.DropTable(
                name: "mail_folder_states");

            migrationBuilder.DropTable(
                name: "mailbox_connections");

            migrationBuilder.DropTable(
                name: "received_messages");

            migrationBuilder.DropIndex(
                name: "ix_emails_received_message_id",
                table: "emails");

            migrationBuilder.DropColumn(
                name: "received_message_id",
                table: "emails");

            migrationBuilder.DropColumn(
                name: "thread_key",
                table: "emails");

            migrationBuilder.DropColumn(
                name: "mail_secret",
                table: "company_settings");
        }
    }
}
