namespace ChatResilience.Simulator.Tests.Cli;

/// <summary>What a test of chatsim's command line needs: a temporary folder, and the two writers chatsim prints to.</summary>
public abstract class CliTestBase(string folderPrefix) : IDisposable
{
    protected string Dir { get; } = Directory.CreateTempSubdirectory(folderPrefix).FullName;

    protected StringWriter Out { get; } = new();

    protected StringWriter Err { get; } = new();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(Dir, recursive: true);
            Out.Dispose();
            Err.Dispose();
        }
    }
}
