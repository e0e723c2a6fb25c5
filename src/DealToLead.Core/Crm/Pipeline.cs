namespace DealToLead.Core.Crm;

public class Pipeline
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int OrderNr { get; set; }
    public bool IsDefault { get; set; }
    public List<Stage> Stages { get; set; } = [];
}

public class Stage
{
    public int Id { get; set; }
    public int PipelineId { get; set; }
    public Pipeline? Pipeline { get; set; }
    public required string Name { get; set; }
    public int OrderNr { get; set; }
    public int DealProbability { get; set; } = 100;
}
