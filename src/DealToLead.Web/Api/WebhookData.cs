using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Core.Webhooks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DealToLead.Web.Api;

/// <summary>A webhook's <c>data</c>: the entity through the API's own DTOs and JSON settings, so it reads exactly like a GET of it.</summary>
public sealed class WebhookData(IOptions<JsonOptions> json, IOptions<SmartBccOptions> bcc, IHttpContextAccessor httpContext) : IWebhookDataRenderer
{
    public string ChangeSource =>
        httpContext.HttpContext?.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) == true ? "api" : "app";

    public async Task<JsonElement> RenderAsync(CrmDbContext db, object entity, CancellationToken cancellationToken)
    {
        object dto = entity switch
        {
            Deal deal => DealDto.From(deal, await DealApiShape.LoadAsync(db, cancellationToken)),
            Lead lead => (await LeadsApi.ToDtosAsync(db, [lead], bcc.Value, cancellationToken))[0],
            Person person => PersonDto.From(person, await FieldsAsync(db, CustomFieldEntity.Person, cancellationToken)),
            Organization organization => OrganizationDto.From(organization, await FieldsAsync(db, CustomFieldEntity.Organization, cancellationToken)),
            Activity activity => ActivityDto.From(activity),
            Note note => NoteDto.From(note),
            _ => throw new ArgumentException($"No webhook data for {entity.GetType().Name}.", nameof(entity)),
        };
        return JsonSerializer.SerializeToElement(dto, dto.GetType(), json.Value.SerializerOptions);
    }

    private static Task<List<CustomFieldDefinition>> FieldsAsync(CrmDbContext db, CustomFieldEntity entity, CancellationToken cancellationToken) =>
        db.CustomFields.AsNoTracking().Where(f => f.Entity == entity).OrderBy(f => f.OrderNr).ToListAsync(cancellationToken);
}
