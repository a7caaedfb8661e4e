using Bogus;
using ChatResilience.Protocol.Codec;
using ChatResilience.Protocol.Frames;

namespace ChatResilience.Bench.Protocol;

/// <summary>
/// Realistic, reproducible chat traffic made with Bogus from one seed: the same bytes on every run, so
/// compression ratios in bench/results are comparable across commits.
/// </summary>
public static class ChatContent
{
    /// <summary>The seed every generator starts from.</summary>
    public const int Seed = 42;

    /// <summary>Frame sizes the compression suites measure.</summary>
    public enum FrameSize
    {
        /// <summary>One short <c>msg</c>, about 200 bytes of JSON.</summary>
        Small200B,

        /// <summary>A <c>page</c> of a few messages, about 2 KB.</summary>
        Medium2KB,

        /// <summary>A <c>page</c> of many messages, about 64 KB.</summary>
        Large64KB,
    }

    /// <summary><paramref name="count"/> messages of one room, seeded.</summary>
    public static IReadOnlyList<MsgFrame> Messages(int count, int seed = Seed)
    {
        var faker = new Faker { Random = new Randomizer(seed) };
        var users = Enumerable.Range(0, 12).Select(_ => faker.Internet.UserName().ToLowerInvariant()).ToArray();
        var clients = users.Select(u => u + ":" + faker.Random.AlphaNumeric(8)).ToArray();
        var at = 1_764_000_000_000L;
        var list = new List<MsgFrame>(count);
        for (var i = 0; i < count; i++)
        {
            var who = faker.Random.Int(0, users.Length - 1);
            var body = faker.Random.Int(0, 9) switch
            {
                < 4 => faker.Lorem.Sentence(faker.Random.Int(3, 14)),
                < 6 => faker.Hacker.Phrase(),
                < 8 => faker.Rant.Review(faker.Commerce.ProductName()),
                _ => faker.Internet.Url() + " " + faker.Lorem.Word(),
            };
            at += faker.Random.Int(200, 90_000);
            list.Add(new MsgFrame
            {
                Room = "team-" + (seed % 7),
                Epoch = 1,
                Seq = i + 1,
                Id = faker.Random.AlphaNumeric(20),
                From = users[who],
                ClientId = clients[who],
                ClientSeq = faker.Random.Int(1, 5000),
                Body = body,
                SentAt = at - faker.Random.Int(5, 400),
                Basis = i,
                At = at,
            });
        }

        return list;
    }

    /// <summary>The JSON of a frame of about the named size.</summary>
    public static byte[] FrameJson(FrameSize size) => size switch
    {
        FrameSize.Small200B => FrameCodec.EncodeToArray(SmallMsg()),
        FrameSize.Medium2KB => PageJson(2 * 1024),
        _ => PageJson(64 * 1024),
    };

    // The first generated message whose JSON is 150..250 bytes: a typical short chat line.
    private static MsgFrame SmallMsg() =>
        Messages(50).First(m => FrameCodec.EncodeToArray(m).Length is >= 150 and <= 250);

    private static byte[] PageJson(int targetBytes)
    {
        var msgs = Messages(Math.Max(1, targetBytes / 150));
        var take = msgs.Count;
        byte[] json;
        do
        {
            json = FrameCodec.EncodeToArray(new PageFrame { Room = msgs[0].Room, Msgs = msgs.Take(take).ToArray(), Head = take, More = true });
            take--;
        }
        while (json.Length > targetBytes && take > 0);
        return json;
    }
}
