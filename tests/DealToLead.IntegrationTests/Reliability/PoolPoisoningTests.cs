using System.Net;
using System.Text;
using DealToLead.Core.Data;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DealToLead.IntegrationTests.Reliability;

/// <summary>
/// Issue #17 §1: a value PostgreSQL rejects while binding a statement that Npgsql is auto-preparing (its fifth use
/// on a connection) left that connection answering the next use of the statement wrongly, for whoever got it next.
/// </summary>
public sealed class PoolPoisoningTests(DealToLeadApp app) : AppTest(app)
{
    private const int FollowUps = 100;

    public static TheoryData<string, string, string> HostileRequests() => new()
    {
        { "/api/v2/deals/convert/lead", "{\"filter\":{\"search\":\"nothing like it\"}}", "{\"filter\":{\"search\":\"\\u0000\"}}" },
        { "/api/v2/deals", "{\"title\":\"Fine\",\"person_id\":PERSON}", "{\"title\":\"a\\u0000b\",\"person_id\":PERSON}" },
        { "/api/v2/persons", "{\"name\":\"Fine\"}", "{\"name\":\"\\u0000\"}" },
    };

    [Theory]
    [MemberData(nameof(HostileRequests))]
    public async Task A_nul_in_an_api_body_is_refused_and_the_next_hundred_requests_of_another_user_succeed(string path, string valid, string hostile)
    {
        var world = await App.CreateWorldAsync();
        valid = valid.Replace("PERSON", world.PersonId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        hostile = hostile.Replace("PERSON", world.PersonId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var rep = App.ApiClient(DemoUsers.Rep);
        var manager = App.ApiClient(DemoUsers.Manager);
        ClearPool();

        // Four uses make the fifth the one that prepares the statement on the connection.
        var expected = HttpStatusCode.OK;
        for (var use = 0; use < 4; use++)
        {
            expected = (await rep.PostAsync(path, Json(valid))).StatusCode;
        }

        var refused = await rep.PostAsync(path, Json(hostile));

        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest, await refused.Content.ReadAsStringAsync());
        var statuses = new List<string>();
        for (var request = 0; request < FollowUps; request++)
        {
            using var response = await manager.PostAsync(path, Json(valid));
            if (response.StatusCode != expected)
            {
                statuses.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        statuses.Should().BeEmpty("every valid request after the hostile one is answered as before it ({0})", expected);
    }

    [Fact]
    public async Task A_nul_parameter_that_reaches_postgresql_past_every_guard_leaves_the_pool_healthy()
    {
        ClearPool();
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            // One connection for the whole sequence, so the NUL is the statement's fifth use on it.
            await db.Database.OpenConnectionAsync();
            for (var use = 0; use < 4; use++)
            {
                await TitlesAsync(db, "fine");
            }

            var nul = async () => await TitlesAsync(db, "a\0b");
            (await nul.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.CharacterNotInRepertoire);

            var sameConnection = async () => await TitlesAsync(db, "fine");
            await sameConnection.Should().NotThrowAsync("the connection that saw the error answers the statement's next use correctly");
        }

        var failures = 0;
        for (var request = 0; request < FollowUps; request++)
        {
            try
            {
                await App.WithDbAsync(db => TitlesAsync(db, "fine"));
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                failures++;
            }
        }

        failures.Should().Be(0);
    }

    [Fact]
    public async Task A_cancelled_command_is_unprepared_so_its_connection_keeps_nothing_half_prepared()
    {
        ClearPool();
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        await db.Database.OpenConnectionAsync();
        for (var use = 0; use < 4; use++)
        {
            await SleepAsync(db, 0, CancellationToken.None);
        }

        // The fifth use prepares the statement, then sleeps until the request gives up.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var cancelled = async () => await SleepAsync(db, 30, giveUp.Token);
        await cancelled.Should().ThrowAsync<OperationCanceledException>();

        var prepared = await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM pg_prepared_statements WHERE statement LIKE '%FROM pg_sleep(%'").SingleAsync();
        prepared.Should().Be(0, "the cancelled statement was unprepared on its connection");
        (await SleepAsync(db, 0, CancellationToken.None)).Should().Be(1, "the same connection answers the statement's next use");
    }

    private static Task<int> SleepAsync(CrmDbContext db, double seconds, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<int>($"SELECT 1 AS \"Value\" FROM pg_sleep({seconds})").SingleAsync(cancellationToken);

    private static Task<List<string>> TitlesAsync(CrmDbContext db, string title) =>
        db.Deals.AsNoTracking().Where(d => d.Title == title).Select(d => d.Title).ToListAsync();

    // Connections from earlier tests have these statements prepared already; only fresh ones can be poisoned.
    private void ClearPool() => App.Services.GetRequiredService<NpgsqlDataSource>().Clear();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
