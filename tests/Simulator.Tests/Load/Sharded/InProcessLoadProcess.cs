using System.IO.Pipelines;
using ChatResilience.Simulator.Load;
using ChatResilience.Simulator.Load.Sharded;

namespace ChatResilience.Simulator.Tests.Load.Sharded;

/// <summary>A load process of a sharded run inside the test process: <see cref="LoadCommand"/> behind pipes for its standard output and input.</summary>
internal static class InProcessLoadProcess
{
    public static LoadProcessHandle Launch(IReadOnlyList<string> args)
    {
        Assert.Equal("load", args[0]);
        var toChild = new Pipe();
        var fromChild = new Pipe();
        var childOutput = new StreamWriter(fromChild.Writer.AsStream()) { AutoFlush = true };
        var childInput = new StreamReader(toChild.Reader.AsStream());
        var kill = new CancellationTokenSource();
        var run = Task.Run(async () =>
        {
            try
            {
                return await LoadCommand.RunAsync(LoadArguments.Parse([.. args.Skip(1)]), TextWriter.Synchronized(childOutput), kill.Token, childInput);
            }
            finally
            {
                await childOutput.DisposeAsync(); // the coordinator's read of its output ends, as at a process's exit
            }
        });
        return new LoadProcessHandle
        {
            Output = new StreamReader(fromChild.Reader.AsStream()),
            Input = new StreamWriter(toChild.Writer.AsStream()) { AutoFlush = true },
            Exited = run,
            Kill = kill.Cancel,
            Stop = kill.Cancel, // in process, cancelling is what Ctrl-C does to a load process

            Release = () =>
            {
                kill.Dispose();
                return ValueTask.CompletedTask;
            },
        };
    }
}
