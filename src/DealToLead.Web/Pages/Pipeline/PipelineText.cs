namespace DealToLead.Web.Pages.Pipeline;

/// <summary>The pipeline board and its move page. English text is the key; the Swedish is in PipelineText.sv.resx next to this file.</summary>
public sealed class PipelineText;
