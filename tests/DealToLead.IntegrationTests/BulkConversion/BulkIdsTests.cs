using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.BulkConversion;

/// <summary>Issue #17 §2: a bulk job of ids answers for every id asked for.</summary>
public class BulkIdsTests(BulkConversionApp app) : BulkConversionTest(app)
{
    [Fact]
    public async Task Five_known_and_ninety_six_unknown_ids_are_over_the_limit_of_one_hundred_and_nothing_is_saved()
    {
        var data = await DataAsync();
        var known = await data.DealsAsync(5, DemoUsers.Rep);
        var ids = known.Concat(Enumerable.Range(900_000, 96)).ToList();

        var response = await App.ApiClient(DemoUsers.Rep).PostAsJsonAsync("/api/v2/deals/convert/lead", new { ids });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("101 deals").And.Contain("at most 100");
        (await App.WithDbAsync(db => db.BulkConversionJobs.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task Unknown_and_invisible_ids_are_reported_one_by_one_as_not_found_in_the_jobs_outcomes()
    {
        var data = await DataAsync();
        var known = await data.DealsAsync(5, DemoUsers.Rep);
        var invisible = await data.DealsAsync(2, DemoUsers.Manager, d => d.Visibility = Visibility.OwnerOnly, "Private");
        await App.WithoutSeeingOthersDealsAsync();
        var unknown = Enumerable.Range(900_000, 10).ToList();
        var asked = known.Concat(unknown).Concat(invisible).Append(known[0]).ToList();

        var response = await App.ApiClient(DemoUsers.Rep).PostAsJsonAsync("/api/v2/deals/convert/lead", new { ids = asked });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var jobId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("job_id").GetGuid();
        await ProcessAllJobsAsync();

        var job = await JobAsync(jobId);
        job.Status.Should().Be(BulkJobStatus.Completed);
        job.Total.Should().Be(17, "every distinct id asked for is an item of the job");
        job.Processed.Should().Be(17);
        job.Items.Where(i => i.Outcome == BulkItemOutcome.Converted).Select(i => i.DealId).Should().BeEquivalentTo(known);
        job.Items.Where(i => i.Outcome == BulkItemOutcome.Rejected).Should().HaveCount(12)
            .And.OnlyContain(i => i.Reason != null && i.Reason.StartsWith("Deal not found", StringComparison.Ordinal));
        job.Items.Where(i => i.Outcome == BulkItemOutcome.Rejected).Select(i => i.DealId).Should().BeEquivalentTo(unknown.Concat(invisible));
        (await App.WithDbAsync(db => db.Deals.CountAsync(d => invisible.Contains(d.Id)))).Should().Be(2, "the other user's deals are untouched");
        var status = await App.ApiClient(DemoUsers.Rep).GetStringAsync($"/api/v2/conversion-jobs/{jobId}");
        status.Should().Contain("\"rejected\":12").And.Contain("Deal not found");
    }
}
