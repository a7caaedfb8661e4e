namespace ChatResilience.Chaos.Faults;

public sealed partial class ToxiproxyFaultInjector
{
    private sealed class AppliedToxics(ToxiproxyFaultInjector owner, Fault fault, IReadOnlyList<string> toxicNames) : IAppliedFault
    {
        private int _removed;

        public Fault Fault => fault;

        public Task RemoveAsync(CancellationToken cancellationToken = default) =>
            Interlocked.Exchange(ref _removed, 1) == 0
                ? owner.RemoveToxicsAsync(fault.Proxy, toxicNames, cancellationToken)
                : Task.CompletedTask;
    }

    private sealed class AppliedDown(ToxiproxyFaultInjector owner, Fault fault) : IAppliedFault
    {
        private int _removed;

        public Fault Fault => fault;

        public Task RemoveAsync(CancellationToken cancellationToken = default) =>
            Interlocked.Exchange(ref _removed, 1) == 0
                ? owner.ChangeDownCountAsync(fault.Proxy, -1, cancellationToken)
                : Task.CompletedTask;
    }
}
