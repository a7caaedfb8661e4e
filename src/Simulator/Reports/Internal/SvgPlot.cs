using System.Globalization;
using System.Net;
using System.Text;

namespace ChatResilience.Simulator.Reports.Internal;

/// <summary>
/// A small hand-written SVG chart: linear axes with five ticks, lines, points, shaded x-spans and y-ranges, and
/// a legend. Self-contained (no scripts, no external assets) so the report opens anywhere, CI artefacts included.
/// </summary>
internal sealed class SvgPlot
{
    private const double Width = 900;
    private const double Height = 320;
    private const double Left = 70;
    private const double Right = 20;
    private const double Top = 30;
    private const double Bottom = 45;

    private readonly string _id;
    private readonly string _title;
    private readonly string _xLabel;
    private readonly string _yLabel;
    private readonly StringBuilder _body = new();
    private readonly List<(string Color, string Label)> _legend = [];
    private double _xMin = double.MaxValue;
    private double _xMax = double.MinValue;
    private double _yMax = double.MinValue;

    public SvgPlot(string id, string title, string xLabel, string yLabel)
    {
        (_id, _title, _xLabel, _yLabel) = (id, title, xLabel, yLabel);
    }

    private List<Action> Layers { get; } = [];

    /// <summary>Widens the axes to include the point (y starts at 0).</summary>
    public void Include(double x, double y)
    {
        _xMin = Math.Min(_xMin, x);
        _xMax = Math.Max(_xMax, x);
        _yMax = Math.Max(_yMax, y);
    }

    public void AddLine(IReadOnlyList<(double X, double Y)> points, string color, string label)
    {
        foreach (var (x, y) in points)
        {
            Include(x, y);
        }

        _legend.Add((color, label));
        Layers.Add(() =>
        {
            if (points.Count == 0)
            {
                return;
            }

            _body.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"");
            foreach (var (x, y) in points)
            {
                _body.Append(CultureInfo.InvariantCulture, $"{Px(x):F1},{Py(y):F1} ");
            }

            _body.Append("\"/>\n");
        });
    }

    public void AddPoints(IReadOnlyList<(double X, double Y)> points, string color, string label)
    {
        foreach (var (x, y) in points)
        {
            Include(x, y);
        }

        _legend.Add((color, label));
        Layers.Add(() =>
        {
            foreach (var (x, y) in points)
            {
                _body.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Px(x):F1}\" cy=\"{Py(y):F1}\" r=\"2.5\" fill=\"{color}\" fill-opacity=\"0.7\"/>\n");
            }
        });
    }

    /// <summary>Shades the x-span [x0, x1] over the whole height (e.g. a fault window).</summary>
    public void AddXSpan(double x0, double x1, string color, string? label)
    {
        Include(x0, 0);
        Include(x1, 0);
        if (label is not null)
        {
            _legend.Add((color, label));
        }

        Layers.Insert(0, () => _body.Append(CultureInfo.InvariantCulture,
            $"<rect x=\"{Px(x0):F1}\" y=\"{Top}\" width=\"{Math.Max(1, Px(x1) - Px(x0)):F1}\" height=\"{Height - Top - Bottom}\" fill=\"{color}\" fill-opacity=\"0.25\"/>\n"));
    }

    /// <summary>Shades the box [x0, x1] × [y0, y1] (e.g. the policy's envelope for one attempt).</summary>
    public void AddBox(double x0, double x1, double y0, double y1, string color, string? label)
    {
        Include(x0, y0);
        Include(x1, y1);
        if (label is not null)
        {
            _legend.Add((color, label));
        }

        Layers.Insert(0, () => _body.Append(CultureInfo.InvariantCulture,
            $"<rect x=\"{Px(x0):F1}\" y=\"{Py(y1):F1}\" width=\"{Math.Max(1, Px(x1) - Px(x0)):F1}\" height=\"{Math.Max(1, Py(y0) - Py(y1)):F1}\" fill=\"{color}\" fill-opacity=\"0.3\"/>\n"));
    }

    public string Render()
    {
        if (_xMin > _xMax)
        {
            (_xMin, _xMax, _yMax) = (0, 1, 1);
        }

        if (_xMax <= _xMin)
        {
            _xMax = _xMin + 1;
        }

        if (_yMax <= 0)
        {
            _yMax = 1;
        }

        _yMax *= 1.05;
        _body.Clear();
        _body.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"{_id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        _body.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">{Encode(_title)}</text>\n");
        foreach (var layer in Layers)
        {
            layer();
        }

        Axes();
        Legend();
        _body.Append("</svg>\n");
        return _body.ToString();
    }

    private void Axes()
    {
        var (x0, y0, x1, y1) = (Left, Height - Bottom, Width - Right, Top);
        _body.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#333\"/><line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x0}\" y2=\"{y1}\" stroke=\"#333\"/>\n");
        for (var i = 0; i <= 4; i++)
        {
            var xv = _xMin + ((_xMax - _xMin) * i / 4);
            var yv = _yMax * i / 4;
            _body.Append(CultureInfo.InvariantCulture, $"<text x=\"{Px(xv):F1}\" y=\"{y0 + 15}\" text-anchor=\"middle\">{Tick(xv)}</text>\n");
            _body.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 - 5}\" y=\"{Py(yv) + 4:F1}\" text-anchor=\"end\">{Tick(yv)}</text>\n");
            _body.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{Py(yv):F1}\" x2=\"{x1}\" y2=\"{Py(yv):F1}\" stroke=\"#ddd\"/>\n");
        }

        _body.Append(CultureInfo.InvariantCulture, $"<text x=\"{(x0 + x1) / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">{Encode(_xLabel)}</text>\n");
        _body.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{(y0 + y1) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {(y0 + y1) / 2})\">{Encode(_yLabel)}</text>\n");
    }

    private void Legend()
    {
        var x = Left + 10;
        foreach (var (color, label) in _legend)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{Top + 4}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{x + 14}\" y=\"{Top + 13}\">{Encode(label)}</text>\n");
            x += 24 + (label.Length * 6.5);
        }
    }

    private double Px(double x) => Left + ((x - _xMin) / (_xMax - _xMin) * (Width - Left - Right));

    private double Py(double y) => Height - Bottom - (y / _yMax * (Height - Top - Bottom));

    private static string Tick(double v) => Math.Abs(v) >= 100 || v == Math.Floor(v)
        ? v.ToString("F0", CultureInfo.InvariantCulture)
        : v.ToString("F1", CultureInfo.InvariantCulture);

    private static string Encode(string s) => WebUtility.HtmlEncode(s);
}
