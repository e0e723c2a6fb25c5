namespace DealToLead.Web.Api;

public static class CrmApi
{
    /// <summary>The CRM's REST API: deals, persons, organizations, activities, notes, pipelines, stages and deal fields.</summary>
    public static RouteGroupBuilder MapCrmApi(this RouteGroupBuilder api)
    {
        api.MapDealsApi();
        api.MapContactsApi();
        api.MapActivitiesAndNotesApi();
        api.MapFilesApi();
        api.MapPipelinesApi();
        return api;
    }
}
