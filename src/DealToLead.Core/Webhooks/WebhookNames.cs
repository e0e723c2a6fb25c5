namespace DealToLead.Core.Webhooks;

/// <summary>Pipedrive's spelling of webhook actions and objects, shared by the API, the page and the events.</summary>
public static class WebhookNames
{
    public const string Any = "*";
    public const string Version = "2.0";

    public const string Create = "create";
    public const string Change = "change";
    public const string Delete = "delete";

    public const string Deal = "deal";
    public const string Lead = "lead";
    public const string Person = "person";
    public const string Organization = "organization";
    public const string Activity = "activity";
    public const string Note = "note";

    public static readonly IReadOnlyList<string> Actions = [Any, Create, Change, Delete];

    public static readonly IReadOnlyList<string> Objects = [Any, Deal, Lead, Person, Organization, Activity, Note];
}
