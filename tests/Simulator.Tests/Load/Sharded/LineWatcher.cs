namespace ChatResilience.Simulator.Tests.Load.Sharded;

/// <summary>Passes what is written on to <paramref name="inner"/> and shows each whole line to <paramref name="onLine"/>.</summary>
internal sealed class LineWatcher(TextWriter inner, Action<string> onLine) : TextWriter
{
    private readonly System.Text.StringBuilder _line = new();

    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        lock (_line)
        {
            inner.Write(value);
            if (value == '\n')
            {
                onLine(_line.ToString());
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }
}
