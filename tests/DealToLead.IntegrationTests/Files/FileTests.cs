using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DealToLead.Core.Conversions;
using DealToLead.Core.Files;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Conversions;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Files;

/// <summary>Issue 19, files: upload, list, download and delete through the API and the pages, and files travelling with conversions.</summary>
public partial class FileTests(DealToLeadApp app) : ConversionTestBase(app)
{
    private static readonly byte[] PngBytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4];

    private static readonly byte[] PdfBytes = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static MultipartFormDataContent Upload(byte[] bytes, string fileName, string clientType = "application/pdf", params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(clientType);
        // As browsers send a name that is not ASCII: filename* in UTF-8.
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileNameStar = fileName };
        form.Add(file);
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    private static async Task<JsonElement> UploadToDealAsync(HttpClient api, int dealId, byte[] bytes, string fileName)
    {
        var response = await api.PostAsync("/api/v1/files", Upload(bytes, fileName, fields: ("deal_id", dealId.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await BodyAsync(response)).GetProperty("data");
    }

    private Task<int> FileCountAsync() => App.WithDbAsync(db => db.Files.CountAsync());

    [Fact]
    public async Task A_file_is_uploaded_listed_fetched_downloaded_renamed_and_deleted_through_the_api()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 0, done: 0, notes: 0, emails: 0, invoices: 0, history: 0));
        var api = App.ApiClient(DemoUsers.Rep);

        var added = await UploadToDealAsync(api, deal.Id, PdfBytes, "Quote.pdf");
        var id = added.GetProperty("id").GetInt32();
        var listed = (await BodyAsync(await api.GetAsync("/api/v1/files"))).GetProperty("data").EnumerateArray().ToList();
        var ofDeal = await BodyAsync(await api.GetAsync($"/api/v1/deals/{deal.Id}/files?limit=1"));
        var one = (await BodyAsync(await api.GetAsync($"/api/v1/files/{id}"))).GetProperty("data");
        var download = await api.GetAsync($"/api/v1/files/{id}/download");
        var renamed = await api.PutAsync($"/api/v1/files/{id}", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "Final quote.pdf", ["description"] = "Signed" }));
        var deleted = await api.DeleteAsync($"/api/v1/files/{id}");

        added.GetProperty("file_name").GetString().Should().Be("Quote.pdf");
        added.GetProperty("file_size").GetInt64().Should().Be(PdfBytes.Length);
        added.GetProperty("deal_id").GetInt32().Should().Be(deal.Id);
        added.GetProperty("content_type").GetString().Should().Be("application/pdf");
        added.GetProperty("active_flag").GetBoolean().Should().BeTrue();
        added.TryGetProperty("lead_id", out _).Should().BeFalse("a null is left out, as the SDK's types have no null");
        listed.Should().ContainSingle().Which.GetProperty("id").GetInt32().Should().Be(id);
        ofDeal.GetProperty("data").GetArrayLength().Should().Be(1);
        ofDeal.GetProperty("additional_data").GetProperty("more_items_in_collection").GetBoolean().Should().BeFalse();
        one.GetProperty("deal_name").GetString().Should().Be(deal.Title);
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        (await download.Content.ReadAsByteArrayAsync()).Should().Equal(PdfBytes);
        renamed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await BodyAsync(renamed)).GetProperty("data").GetProperty("name").GetString().Should().Be("Final quote.pdf");
        (await BodyAsync(renamed)).GetProperty("data").GetProperty("description").GetString().Should().Be("Signed");
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await BodyAsync(deleted)).GetProperty("data").GetProperty("id").GetInt32().Should().Be(id);
        (await api.GetAsync($"/api/v1/files/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await App.WithDbAsync(db => db.FileContents.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task A_download_is_an_attachment_named_in_rfc_5987_with_nosniff_and_the_sniffed_type()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var api = App.ApiClient(DemoUsers.Rep);
        var id = (await UploadToDealAsync(api, deal.Id, PngBytes, "Offert räksmörgås\u0007.pdf")).GetProperty("id").GetInt32();

        var download = await api.GetAsync($"/api/v1/files/{id}/download");

        download.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        download.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        var disposition = download.Content.Headers.ContentDisposition!;
        disposition.DispositionType.Should().Be("attachment");
        disposition.FileNameStar.Should().Be("Offert räksmörgås.pdf");
        string.Join(";", download.Content.Headers.GetValues("Content-Disposition")).Should().Contain("filename*=UTF-8''");
    }

    [Fact]
    public async Task A_pdf_name_with_png_bytes_is_stored_as_image_png()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);

        var added = await UploadToDealAsync(App.ApiClient(DemoUsers.Rep), deal.Id, PngBytes, "invoice.pdf");

        added.GetProperty("content_type").GetString().Should().Be("image/png");
        added.GetProperty("file_type").GetString().Should().Be("img");
        (await App.WithDbAsync(db => db.Files.Select(f => f.ContentType).SingleAsync())).Should().Be("image/png");
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_413_in_the_envelope_and_saves_nothing()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var api = App.ApiClient(DemoUsers.Rep);
        var tooLarge = new byte[new FileStorageOptions().MaxBytes + 1];

        var response = await api.PostAsync("/api/v1/files", Upload(tooLarge, "big.bin", fields: ("deal_id", deal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        var body = await BodyAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeFalse();
        body.GetProperty("error").GetString().Should().Contain("25 MB");
        (await FileCountAsync()).Should().Be(0);
        (await App.WithDbAsync(db => db.FileContents.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task Bad_uploads_are_refused_and_change_nothing()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var api = App.ApiClient(DemoUsers.Rep);

        var empty = await api.PostAsync("/api/v1/files", Upload([], "empty.txt", fields: ("deal_id", deal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var noParent = await api.PostAsync("/api/v1/files", Upload(PdfBytes, "a.pdf"));
        var both = await api.PostAsync("/api/v1/files", Upload(PdfBytes, "a.pdf", fields: [("deal_id", deal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("lead_id", Guid.NewGuid().ToString())]));
        var person = await api.PostAsync("/api/v1/files", Upload(PdfBytes, "a.pdf", fields: ("person_id", "1")));
        var json = await api.PostAsync("/api/v1/files", new StringContent("{}", Encoding.UTF8, "application/json"));
        var missingDeal = await api.PostAsync("/api/v1/files", Upload(PdfBytes, "a.pdf", fields: ("deal_id", "999999")));

        foreach (var refused in new[] { empty, noParent, both, person, json })
        {
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest, await refused.Content.ReadAsStringAsync());
        }

        missingDeal.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await FileCountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Another_users_private_deals_file_is_404_everywhere()
    {
        await App.WithoutSeeingOthersDealsAsync();
        var deal = await CreateDealAsync(DemoUsers.Admin, b => b.Private());
        var id = (await UploadToDealAsync(App.ApiClient(DemoUsers.Admin), deal.Id, PdfBytes, "secret.pdf")).GetProperty("id").GetInt32();
        var rep = App.ApiClient(DemoUsers.Rep);
        var page = await App.SignInAsync(DemoUsers.Rep);

        (await rep.GetAsync($"/api/v1/files/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await rep.GetAsync($"/api/v1/files/{id}/download")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await rep.GetAsync($"/api/v1/deals/{deal.Id}/files")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await rep.DeleteAsync($"/api/v1/files/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await rep.PutAsync($"/api/v1/files/{id}", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "mine.pdf" }))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await BodyAsync(await rep.GetAsync("/api/v1/files"))).GetProperty("data").GetArrayLength().Should().Be(0);
        (await page.GetAsync($"/files/{id}/download")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await App.WithDbAsync(db => db.Files.Select(f => f.FileName).SingleAsync())).Should().Be("secret.pdf");
    }

    [Fact]
    public async Task A_deleted_deals_files_stay_readable_to_whoever_may_see_the_deal_but_cannot_change()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var api = App.ApiClient(DemoUsers.Rep);
        var id = (await UploadToDealAsync(api, deal.Id, PdfBytes, "kept.pdf")).GetProperty("id").GetInt32();
        (await api.DeleteAsync($"/api/v2/deals/{deal.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await api.GetAsync($"/api/v1/files/{id}/download")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await BodyAsync(await api.GetAsync($"/api/v1/deals/{deal.Id}/files"))).GetProperty("data").GetArrayLength().Should().Be(1);
        (await BodyAsync(await api.GetAsync("/api/v1/files"))).GetProperty("data").GetArrayLength().Should().Be(0);
        (await api.DeleteAsync($"/api/v1/files/{id}")).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Files_move_with_deal_to_lead_undo_and_lead_to_deal_and_the_database_stays_consistent()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var api = App.ApiClient(DemoUsers.Rep);
        var fileId = (await UploadToDealAsync(api, deal.Id, PdfBytes, "travels.pdf")).GetProperty("id").GetInt32();
        var preview = await WithServiceAsync(async s => await s.PreviewAsync(await AccessAsync(DemoUsers.Rep), deal.Id));
        preview!.Files.Should().Be(1);

        var converted = await ConvertAsync(DemoUsers.Rep, deal.Id);
        var leadId = converted!.LeadId!.Value;
        var onLead = await App.WithDbAsync(db => db.Files.SingleAsync(f => f.Id == fileId));
        onLead.LeadId.Should().Be(leadId);
        onLead.DealId.Should().BeNull();
        onLead.MovedFromDealId.Should().Be(deal.Id);
        (await BodyAsync(await api.GetAsync($"/api/v1/leads/{leadId}/files"))).GetProperty("data").GetArrayLength().Should().Be(1);
        (await ConsistencyChecker.FindViolationsAsync(App.ConnectionString)).Should().BeEmpty();

        var undone = await WithServiceAsync(async s => await s.UndoDealToLeadAsync(await AccessAsync(DemoUsers.Rep), leadId));
        undone!.Status.Should().Be(ConversionStatus.Completed);
        var back = await App.WithDbAsync(db => db.Files.SingleAsync(f => f.Id == fileId));
        (back.DealId, back.LeadId, back.MovedFromDealId).Should().Be((deal.Id, null, null));
        (await ConsistencyChecker.FindViolationsAsync(App.ConnectionString)).Should().BeEmpty();

        var again = await ConvertAsync(DemoUsers.Rep, deal.Id);
        var toDeal = await WithServiceAsync(async s => await s.ConvertLeadToDealAsync(await AccessAsync(DemoUsers.Rep), again!.LeadId!.Value));
        toDeal!.Status.Should().Be(ConversionStatus.Completed);
        var onNewDeal = await App.WithDbAsync(db => db.Files.SingleAsync(f => f.Id == fileId));
        (onNewDeal.DealId, onNewDeal.LeadId, onNewDeal.MovedFromDealId).Should().Be((toDeal.DealId, null, null));
        (await App.WithDbAsync(db => db.FileContents.CountAsync())).Should().Be(1);
        (await ConsistencyChecker.FindViolationsAsync(App.ConnectionString)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_file_added_to_the_lead_after_the_conversion_stays_with_the_lead_on_undo()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 0, done: 0, notes: 0, emails: 0, invoices: 0, history: 0));
        var converted = await ConvertAsync(DemoUsers.Rep, deal.Id);
        var leadId = converted!.LeadId!.Value;
        var api = App.ApiClient(DemoUsers.Rep);
        var added = await api.PostAsync("/api/v1/files", Upload(PdfBytes, "later.pdf", fields: ("lead_id", leadId.ToString())));
        added.StatusCode.Should().Be(HttpStatusCode.Created);

        await WithServiceAsync(async s => await s.UndoDealToLeadAsync(await AccessAsync(DemoUsers.Rep), leadId));

        (await App.WithDbAsync(db => db.Files.SingleAsync())).LeadId.Should().Be(leadId);
        (await App.WithDbAsync(db => db.Leads.SingleAsync(l => l.Id == leadId))).IsArchived.Should().BeTrue("the lead still holds a file, so it is archived rather than deleted");
    }

    [Fact]
    public async Task A_file_is_uploaded_listed_downloaded_and_deleted_on_the_deal_page_and_the_lead_page()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 0, done: 0, notes: 0, emails: 0, invoices: 0, history: 0));
        var browser = await App.SignInAsync(DemoUsers.Rep);

        var upload = await PostPageFormAsync(browser, $"/deals/{deal.Id}", $"/deals/{deal.Id}?handler=UploadFile", Upload(PdfBytes, "Proposal.pdf"));
        upload.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var page = await browser.GetStringAsync($"/deals/{deal.Id}");
        page.Should().Contain("File attached.").And.Contain("Proposal.pdf").And.Contain("Rep");
        var fileId = await App.WithDbAsync(db => db.Files.Select(f => f.Id).SingleAsync());
        var download = await browser.GetAsync($"/files/{fileId}/download");
        download.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        download.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");

        var deleteForm = new MultipartFormDataContent { { new StringContent(fileId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "fileId" } };
        (await PostPageFormAsync(browser, $"/deals/{deal.Id}", $"/deals/{deal.Id}?handler=DeleteFile", deleteForm)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await FileCountAsync()).Should().Be(0);

        var lead = await ConvertAsync(DemoUsers.Rep, deal.Id);
        var leadUrl = $"/leads/{lead!.LeadId}";
        (await PostPageFormAsync(browser, leadUrl, $"{leadUrl}?handler=UploadFile", Upload(Encoding.UTF8.GetBytes("Call notes\nsmörgåsbord\n"), "notes.txt"))).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await browser.GetStringAsync(leadUrl)).Should().Contain("notes.txt");
        (await App.WithDbAsync(db => db.Files.SingleAsync())).ContentType.Should().Be("text/plain");
    }

    [Fact]
    public async Task An_oversize_upload_on_the_page_says_so_and_saves_nothing()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var browser = await App.SignInAsync(DemoUsers.Rep);

        var response = await PostPageFormAsync(browser, $"/deals/{deal.Id}", $"/deals/{deal.Id}?handler=UploadFile", Upload(new byte[new FileStorageOptions().MaxBytes + 1], "big.bin"));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await browser.GetStringAsync($"/deals/{deal.Id}")).Should().Contain("The file is larger than 25 MB");
        (await FileCountAsync()).Should().Be(0);
    }

    [Theory]
    [InlineData("%PDF-1.4 …", "application/pdf")]
    [InlineData("GIF89a....", "image/gif")]
    [InlineData("plain words\r\nand more", "text/plain")]
    [InlineData("\u0001\u0002binary", "application/octet-stream")]
    public void The_content_type_is_read_from_the_bytes(string content, string expected)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        FileContentTypes.Sniff(stream).Should().Be(expected);
        stream.Position.Should().Be(0);
    }

    [Fact]
    public void An_office_document_is_told_from_a_plain_zip_by_its_parts()
    {
        static MemoryStream Zip(params string[] entries)
        {
            var stream = new MemoryStream();
            using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var entry in entries)
                {
                    using var writer = new StreamWriter(archive.CreateEntry(entry).Open());
                    writer.Write("x");
                }
            }

            stream.Position = 0;
            return stream;
        }

        FileContentTypes.Sniff(Zip("[Content_Types].xml", "word/document.xml")).Should().Be(FileContentTypes.Docx);
        FileContentTypes.Sniff(Zip("[Content_Types].xml", "xl/workbook.xml")).Should().Be(FileContentTypes.Xlsx);
        FileContentTypes.Sniff(Zip("readme.txt")).Should().Be(FileContentTypes.Zip);
    }

    [Theory]
    [InlineData(@"C:\fakepath\report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("a<b>:c?.txt", "abc.txt")]
    [InlineData("  ...  ", "file")]
    public void File_names_are_sanitized(string given, string stored) => FileNames.Sanitize(given).Should().Be(stored);

    /// <summary>Posts a multipart form like a browser: the antiforgery token comes from the page the form is on.</summary>
    private static async Task<HttpResponseMessage> PostPageFormAsync(HttpClient browser, string formPage, string url, MultipartFormDataContent form)
    {
        var page = await browser.GetStringAsync(formPage);
        var token = AntiforgeryToken().Match(page);
        token.Success.Should().BeTrue("the page has a form with an antiforgery token");
        form.Add(new StringContent(WebUtility.HtmlDecode(token.Groups[1].Value)), "__RequestVerificationToken");
        return await browser.PostAsync(url, form);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
