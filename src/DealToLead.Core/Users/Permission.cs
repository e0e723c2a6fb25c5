namespace DealToLead.Core.Users;

public enum Permission
{
    ConvertDealsToLeads,
    DeleteDeals,
    RestoreDeletedDeals,
    EditDealsOwnedByOthers,
    SeeDealsOfOthers,
    ManageCustomFields,
}

public static class PermissionDescriptions
{
    public static string Title(this Permission permission) => permission switch
    {
        Permission.ConvertDealsToLeads => "Convert deals to leads",
        Permission.DeleteDeals => "Delete deals",
        Permission.RestoreDeletedDeals => "Restore deleted deals",
        Permission.EditDealsOwnedByOthers => "Edit deals owned by other users",
        Permission.SeeDealsOfOthers => "See deals of other users",
        Permission.ManageCustomFields => "Manage custom fields",
        _ => permission.ToString(),
    };

    public static string Explanation(this Permission permission) => permission switch
    {
        Permission.ConvertDealsToLeads => "Turn deals that are not ready into leads in the Leads Inbox, from the pipeline, the deal detail, the deal list and the API.",
        Permission.DeleteDeals => "Delete deals (they stay restorable for 30 days).",
        Permission.RestoreDeletedDeals => "Restore deleted deals from the deleted-deals list.",
        Permission.EditDealsOwnedByOthers => "Edit, move, win, lose, convert and delete deals and leads whose owner is someone else, and their activities, notes and emails. Without it a user changes only their own.",
        Permission.SeeDealsOfOthers => "See every deal and lead, those marked \"owner only\" included. Without it a user sees their own and those visible to the entire company.",
        Permission.ManageCustomFields => "Add, rename, reorder and delete custom fields in Settings.",
        _ => string.Empty,
    };
}
