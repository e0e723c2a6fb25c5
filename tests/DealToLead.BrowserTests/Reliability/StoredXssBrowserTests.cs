using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Leads;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Reliability;

/// <summary>Script payloads stored in every kind of user text render as inert text on every page that shows them.</summary>
public class StoredXssBrowserTests(BrowserApp app) : BrowserTest(app)
{
    private const string Payload = "<img src=x onerror=\"alert('xss')\"><script>alert('xss')</script>";

    [Fact]
    public Task Script_payloads_in_titles_notes_emails_custom_fields_and_labels_never_run() => RunAsync(nameof(Script_payloads_in_titles_notes_emails_custom_fields_and_labels_never_run), async page =>
    {
        var repId = await App.UserIdAsync(DemoUsers.Rep);
        await App.WithDbAsync(async db =>
        {
            db.CustomFields.Add(new CustomFieldDefinition { Entity = CustomFieldEntity.Deal, Key = "xss_field", Name = "Notes " + Payload, Type = CustomFieldType.Text });
            db.LeadLabels.Add(new LeadLabel { Id = Guid.NewGuid(), Name = "Label " + Payload, Color = LeadLabelColor.Red });
            await db.SaveChangesAsync();
        });
        var deal = await App.WithDbAsync(new DealBuilder(repId).Titled("Deal " + Payload).WithCustomField("xss_field", Payload).WithWorld(upcoming: 1, done: 0, notes: 0, emails: 0).BuildAsync);
        var converted = await App.WithDbAsync(new DealBuilder(repId).Titled("Lead " + Payload).WithCustomField("xss_field", Payload).WithWorld(upcoming: 1, done: 0, notes: 0, emails: 0).BuildAsync);
        await App.WithDbAsync(async db =>
        {
            // Saved past the pages and the API: whatever saves it, the store sanitizes it.
            db.Notes.Add(new Note { Content = Payload, AuthorId = repId, DealId = deal.Id });
            db.Notes.Add(new Note { Content = Payload, AuthorId = repId, DealId = converted.Id });
            db.Emails.Add(new EmailMessage { From = "x@example.com", Subject = "Mail " + Payload, HtmlBody = Payload, TextBody = Payload, SentAt = DateTimeOffset.UtcNow, DealId = deal.Id });
            db.Emails.Add(new EmailMessage { From = "x@example.com", Subject = "Mail " + Payload, HtmlBody = Payload, TextBody = Payload, SentAt = DateTimeOffset.UtcNow, DealId = converted.Id });
            db.Persons.Add(new Person { Name = "Person " + Payload, Emails = [Payload], Phones = [Payload], Organization = new Organization { Name = "Org " + Payload, Address = Payload } });
            db.Stages.Add(new Stage { PipelineId = deal.PipelineId, Name = "Stage " + Payload, OrderNr = 9 });
            await db.SaveChangesAsync();
        });
        var lead = (await App.WithDbAsync(async db =>
        {
            var access = (await Core.Users.UserAccess.LoadAsync(db, repId))!;
            return await new Core.Conversions.DealConversionService(db, TimeProvider.System).ConvertDealToLeadAsync(access, converted.Id);
        }))!.LeadId!.Value;
        await App.WithDbAsync(async db =>
        {
            var labelId = db.LeadLabels.Single().Id;
            var stored = await db.Leads.FindAsync(lead);
            stored!.LabelIds = [labelId];
            await db.SaveChangesAsync();
        });

        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await SignInAsync(page, DemoUsers.Admin);
        foreach (var url in new[]
        {
            "/pipeline", "/deals", $"/deals/{deal.Id}", $"/deals/{deal.Id}/convert", "/leads", $"/leads?selected={lead}", $"/leads/{lead}",
            $"/persons/{deal.PersonId}", "/settings/custom-fields", "/settings/lead-labels",
            "/persons", "/organizations", "/persons/new", "/settings/pipelines",
        })
        {
            await page.GotoAsync(url);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }

        await page.GotoAsync($"/deals/{deal.Id}");
        await Assertions.Expect(page.GetByText("Deal <img src=x").First).ToBeVisibleAsync();
        dialogs.Should().BeEmpty("no stored script may run on any page");
        (await page.EvaluateAsync<int>("document.querySelectorAll('img[onerror], script:not([src])').length")).Should().Be(0);
    });
}
