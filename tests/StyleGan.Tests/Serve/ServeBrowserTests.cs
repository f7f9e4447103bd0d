using Xunit.Abstractions;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;
using StyleGan.Serve;
using StyleGan.Tests.Cli;

namespace StyleGan.Tests.Serve;

/// <summary>
/// The explorer page in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs),
/// driven by Selenium: a user's clicks and keys change the image, and the image shown is the API's PNG of the state.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ServeBrowserTests(ITestOutputHelper output)
{
    static readonly string[] Browsers = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
    static readonly string[] Drivers = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

    /// <summary>Where the screenshots go: the test output folder.</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "screenshots");

    static ChromeDriver? Browser()
    {
        string? browser = Browsers.FirstOrDefault(File.Exists), driver = Drivers.FirstOrDefault(File.Exists);
        Skip.If(browser is null || driver is null,
            $"no headless browser here: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver); looked for {string.Join(", ", Browsers)} and {string.Join(", ", Drivers)}.");
        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1500,1000");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, TimeSpan.FromMinutes(1));
    }

    // Waits until the page has no render in flight or pending, and at least `renders` images shown.
    static void Settle(ChromeDriver page, long renders)
    {
        var wait = new OpenQA.Selenium.Support.UI.DefaultWait<ChromeDriver>(page) { Timeout = TimeSpan.FromSeconds(60), PollingInterval = TimeSpan.FromMilliseconds(50) };
        wait.Until(p => true.Equals(p.ExecuteScript("return window.explorer !== undefined && window.explorer.idle() && window.explorer.renders() >= arguments[0];", renders)));
    }

    static long Renders(ChromeDriver page) => Convert.ToInt64(page.ExecuteScript("return window.explorer.renders();"));

    // The bytes of the image the page shows, read back from its blob URL.
    static byte[] Shown(ChromeDriver page)
    {
        var base64 = (string?)page.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            fetch(document.getElementById('view').src).then(r => r.arrayBuffer()).then(b => {
              let s = ''; for (const x of new Uint8Array(b)) s += String.fromCharCode(x); done(btoa(s));
            });
            """);
        return Convert.FromBase64String(base64 ?? throw new InvalidOperationException("the page returned no image"));
    }

    static string ShownQuery(ChromeDriver page) => page.FindElement(By.Id("view")).GetAttribute("data-query") ?? "";

    [SkippableFact]
    public async Task SeedPsiAndMixingChangeTheImageWhichIsTheApisPngAndDraggingMovesTheLatent()
    {
        using var page = Browser()!;
        await using var server = await ServerHarness.Start("mixing/stylegan2-ada-uncond-tiny.pkl");
        page.Navigate().GoToUrl(server.Server.Url);
        Settle(page, 1);
        var first = Shown(page);

        var seed = page.FindElement(By.Id("seed"));
        seed.Clear();
        seed.SendKeys("12" + Keys.Tab);
        Settle(page, 2);
        Assert.Contains("x=12&y=0", ShownQuery(page));

        page.FindElement(By.Id("psi")).SendKeys(string.Concat(Enumerable.Repeat(Keys.ArrowLeft, 6))); // 1 - 6 x 0.05
        page.FindElement(By.CssSelector("#mix-layers input[data-layer='2']")).Click();
        Settle(page, Renders(page));
        string query = ShownQuery(page);
        Assert.Contains("psi=0.7", query);
        Assert.Contains("mix=1&styles=2", query);
        var shown = Shown(page);
        Assert.NotEqual(first, shown);
        Assert.Equal((await server.Get($"/api/render?{query}")).Body, shown);

        Directory.CreateDirectory(ScreenshotFolder);
        string screenshot = Path.Combine(ScreenshotFolder, "explorer.png");
        page.GetScreenshot().SaveAsFile(screenshot);
        output.WriteLine($"screenshot: {screenshot}");

        double xBefore = Convert.ToDouble(page.ExecuteScript("return window.explorer.state.x;"));
        new Actions(page).ClickAndHold(page.FindElement(By.Id("view"))).MoveByOffset(150, 40).Release().Perform();
        Settle(page, Renders(page));
        double xAfter = Convert.ToDouble(page.ExecuteScript("return window.explorer.state.x;"));
        double yAfter = Convert.ToDouble(page.ExecuteScript("return window.explorer.state.y;"));
        Assert.InRange(xAfter - xBefore, 1.4, 1.6);
        Assert.InRange(yAfter, 0.3, 0.5);
        string dragged = ShownQuery(page);
        Assert.NotEqual(query, dragged);
        Assert.Equal((await server.Get($"/api/render?{dragged}")).Body, Shown(page));
        Assert.Empty(page.FindElement(By.Id("message")).Text);

        // The page's own POST passes the server's origin check (the browser sends Origin and Sec-Fetch-Site itself).
        string other = Path.Combine(server.Folder, "other.pkl");
        File.Copy(server.Network, other);
        var path = page.FindElement(By.Id("network-path"));
        path.Clear();
        path.SendKeys(other);
        page.FindElement(By.Id("open")).Click();
        var opened = new OpenQA.Selenium.Support.UI.DefaultWait<ExploreServer>(server.Server) { Timeout = TimeSpan.FromSeconds(60), PollingInterval = TimeSpan.FromMilliseconds(50) };
        opened.Until(s => s.Session?.Info.Path == other);
        Settle(page, Renders(page));
        Assert.Empty(page.FindElement(By.Id("message")).Text);
    }
}
