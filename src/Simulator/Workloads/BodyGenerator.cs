using System.Text;
using Bogus;

namespace ChatResilience.Simulator.Workloads;

/// <summary>Message bodies from Bogus's lorem text, seeded, cut to an exact UTF-8 size.</summary>
internal sealed class BodyGenerator
{
    private readonly Faker _faker;

    public BodyGenerator(int seed)
    {
        _faker = new Faker("en") { Random = new Randomizer(seed) };
    }

    public string Next(int bytes)
    {
        var sb = new StringBuilder(bytes + 64);
        while (sb.Length < bytes)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(_faker.Lorem.Sentence());
        }

        // Lorem text is ASCII, so characters are bytes.
        return sb.ToString(0, bytes);
    }
}
