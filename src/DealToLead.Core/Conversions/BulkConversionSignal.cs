namespace DealToLead.Core.Conversions;

/// <summary>
/// Wakes this instance's bulk-conversion worker as soon as a job is submitted, instead of at its next poll.
/// Only a shortcut: other instances still find the job by polling PostgreSQL.
/// </summary>
public sealed class BulkConversionSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);
}
