package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static io.sagaflow.engine.it.Api.awaitEnd;
import static io.sagaflow.engine.it.Api.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's Chromium, headless, driven by Selenium through Debian's chromedriver
 * (scripts/infra.sh installs both; nothing is downloaded). Each test walks a path an operator takes; the pages'
 * screenshots go to docs/dashboard/.
 */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class DashboardIT {

    private static final Path SHOTS = Path.of("../docs/dashboard");
    private static WebDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void openBrowser() {
        browser = Browser.open();
        wait = Browser.waitFor(browser);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void deploySampleFlows() {
        Api.deploySampleFlows();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + RestAssured.port + path;
    }

    private static WebElement shown(By by) {
        return wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Clicks the element once it is there (live lists redraw: a stale one is looked up again). */
    private static void click(By by) {
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    private static void screenshot(String name) throws Exception {
        Files.createDirectories(SHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Waits until the element has the class (the live page redraws: each look is a fresh lookup). */
    private static void awaitClass(By by, String cssClass) {
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> String.valueOf(d.findElement(by).getAttribute("class")).contains(cssClass));
    }

    /** The browser console must hold no error (an exception in a page module shows up there). */
    private static void assertNoScriptErrors() {
        List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(e -> !e.getMessage().contains("the server responded with a status of 4"))   // answers the tests ask for
                .toList();
        assertThat(severe).as("errors in the browser console").isEmpty();
    }

    /** A saga of order-hold whose TCC confirm fails on the first run: it rests FAILED until an operator acts. */
    private static String failedSaga(String orderId) {
        String id = start("order-hold", "{\"orderId\":\"" + orderId + "\",\"simulate\":{\"payments\":\"confirm-fail-run1\"}}");
        assertThat(awaitEnd(id).getString("status")).isEqualTo("FAILED");
        return id;
    }

    @Test
    void aFailedSagaIsFoundThroughTheListFilterRetriedWithAReasonAndItsPageFollowsItToCompleted() throws Exception {
        String id = failedSaga("dash-1");

        browser.get(url("/sagas"));
        new Select(shown(By.id("f-status"))).selectByValue("FAILED");
        new Select(shown(By.id("f-flow"))).selectByValue("order-hold");
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("status=FAILED"));
        assertThat(browser.getCurrentUrl()).contains("flow=order-hold");
        shown(By.cssSelector("a[href='/sagas/" + id + "']"));
        screenshot("sagas");
        click(By.cssSelector("a[href='/sagas/" + id + "']"));

        // the graph shows the failed step; the timeline has the refused confirm
        awaitClass(By.cssSelector("svg.graph g[data-step='charge']"), "s-failed");
        awaitClass(By.cssSelector("svg.graph g[data-step='ship']"), "s-succeeded");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "SagaFailed"));
        screenshot("saga-failed");

        // retry: the dialog says what will happen; an empty reason is refused and changes nothing
        click(By.xpath("//button[normalize-space()='Retry…']"));
        WebElement dialog = shown(By.tagName("dialog"));
        assertThat(dialog.getText()).contains("confirm “capture” to payments (step charge, attempt 1)").contains("RUNNING");
        screenshot("saga-retry-dialog");
        dialog.findElement(By.xpath(".//button[normalize-space()='Retry now']")).click();
        wait.until(ExpectedConditions.textToBePresentInElement(dialog, "A reason is required"));
        assertThat(Api.status(id)).isEqualTo("FAILED");
        dialog.findElement(By.id("reason")).sendKeys("capture service fixed (ticket OPS-7)");
        dialog.findElement(By.xpath(".//button[normalize-space()='Retry now']")).click();

        // no reload: the page follows the saga's stream to its end
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), "COMPLETED"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "SagaCompleted"));
        awaitClass(By.cssSelector("svg.graph g[data-step='charge']"), "s-confirmed");
        List<String> reasons = given().get("/api/sagas/" + id + "/events").then().extract().jsonPath()
                .getList("findAll { it.type == 'SagaResumed' }.data.reason", String.class);
        assertThat(reasons).singleElement().asString().contains("capture service fixed (ticket OPS-7)");
        screenshot("saga");

        // the filter survives the back button
        browser.navigate().back();
        wait.until(ExpectedConditions.urlContains("status=FAILED"));
        assertThat(new Select(shown(By.id("f-status"))).getFirstSelectedOption().getText()).isEqualTo("FAILED");
        assertNoScriptErrors();
    }

    @Test
    void anActionOnASagaThatMovedMeanwhileIsRefusedWithAClearMessageAndChangesNothing() {
        String id = failedSaga("dash-4");
        browser.get(url("/sagas/" + id));
        click(By.xpath("//button[normalize-space()='Retry…']"));
        WebElement dialog = shown(By.tagName("dialog"));
        wait.until(ExpectedConditions.textToBePresentInElement(dialog, "Commands sent at once"));
        // someone else retries it first
        given().contentType("application/json").body("{\"reason\":\"the other operator\"}").post("/api/sagas/" + id + "/retry")
                .then().statusCode(200);
        assertThat(awaitEnd(id).getString("status")).isEqualTo("COMPLETED");
        dialog.findElement(By.id("reason")).sendKeys("me too");
        dialog.findElement(By.xpath(".//button[normalize-space()='Retry now']")).click();
        wait.until(ExpectedConditions.textToBePresentInElement(dialog, "Nothing was changed"));
        assertThat(dialog.getText()).contains("only a FAILED saga can be retried");
        List<String> resumed = given().get("/api/sagas/" + id + "/events").then().extract().jsonPath()
                .getList("findAll { it.type == 'SagaResumed' }.data.reason", String.class);
        assertThat(resumed).singleElement().asString().contains("the other operator");
    }

    @Test
    void aBulkRetryShowsTheCountFirstNeedsATypedConfirmationAndFollowsEachSagaToItsEnd() {
        String first = failedSaga("dash-5");
        String second = failedSaga("dash-6");
        browser.get(url("/sagas?status=FAILED&flow=order-hold"));
        click(By.xpath("//button[normalize-space()='Retry all matching…']"));
        WebElement dialog = shown(By.tagName("dialog"));
        String title = dialog.findElement(By.tagName("h2")).getText();   // "Retry N FAILED sagas"
        int count = Integer.parseInt(title.replaceAll("\\D+", " ").trim().split(" ")[0]);
        assertThat(count).isGreaterThanOrEqualTo(2);
        assertThat(dialog.getText()).contains(first).contains(second);   // the sample
        dialog.findElement(By.id("bulk-reason")).sendKeys("payments capture fixed");
        dialog.findElement(By.id("bulk-confirm")).sendKeys("retry them all");
        dialog.findElement(By.xpath(".//button[normalize-space()='Retry them']")).click();
        wait.until(ExpectedConditions.textToBePresentInElement(dialog, "exactly"));
        assertThat(Api.status(first)).isEqualTo("FAILED");   // nothing happened
        dialog.findElement(By.id("bulk-confirm")).clear();
        dialog.findElement(By.id("bulk-confirm")).sendKeys("retry " + count);
        dialog.findElement(By.xpath(".//button[normalize-space()='Retry them']")).click();
        wait.until(ExpectedConditions.textMatches(By.cssSelector("#bulk-result .summary"),
                java.util.regex.Pattern.compile("^Now: " + count + " COMPLETED$")));
        assertThat(Api.status(first)).isEqualTo("COMPLETED");
        assertThat(Api.status(second)).isEqualTo("COMPLETED");
        assertNoScriptErrors();
    }

    @Test
    void theOverviewShowsTheLagsOfThePipelines() {
        browser.get(url("/"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main"), "replies behind"));
        String relay = browser.findElement(By.xpath("//a[contains(., 'relay behind')]/span[@class='big']")).getText();
        String replies = browser.findElement(By.xpath("//a[contains(., 'replies behind')]/span[@class='big']")).getText();
        assertThat(relay).as("relay lag, measured from the slot").matches("\\d+(\\.\\d)? (B|KiB|MiB)");
        assertThat(replies).as("reply lag, measured from the consumer group").matches("\\d+");
    }

    @Test
    void aDeadLetterIsRedrivenFromItsPage() throws Exception {
        String id = failedSaga("dash-2");

        browser.get(url("/dead-letters?source=SAGA&status=OPEN"));
        By letter = By.xpath("//a[contains(@href, '/sagas/" + id + "')]/ancestor::tr//a[starts-with(@href, '/dead-letters/')]");
        shown(letter);
        screenshot("dead-letters");
        click(letter);
        shown(By.xpath("//button[normalize-space()='Redrive as it is']"));
        screenshot("dead-letter");
        click(By.xpath("//button[normalize-space()='Redrive as it is']"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Redrive accepted"));

        assertThat(awaitEnd(id).getString("status")).isEqualTo("COMPLETED");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "SUCCEEDED"));
        assertNoScriptErrors();
    }

    @Test
    void aFlowDeployedFromThePageWithAMistakeShowsItAtItsLineThenDeploysFixed() throws Exception {
        String broken = """
                apiVersion: sagaflow.io/v1
                kind: Saga
                metadata:
                  name: dash-flow
                  version: 1
                spec:
                  participants:
                    payments: { kafka: { topic: payments.commands } }
                  steps:
                    - name: charge
                      participant: paymnts
                      action: charge
                """;
        browser.get(url("/flows"));
        WebElement area = shown(By.id("deploy-yaml"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1]", area, broken);
        browser.findElement(By.cssSelector("#deploy button[type=submit]")).click();
        WebElement problem = shown(By.cssSelector("#deploy-result li.has-problem"));
        assertThat(problem.getAttribute("id")).isEqualTo("line-11");
        assertThat(problem.getText()).contains("11:").contains("paymnts");
        given().get("/api/flows/dash-flow").then().statusCode(404);   // nothing deployed
        screenshot("flow-deploy-problem");

        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1]", area,
                broken.replace("participant: paymnts", "participant: payments"));
        browser.findElement(By.cssSelector("#deploy button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/flows/dash-flow"));
        shown(By.cssSelector("svg.graph g[data-step='charge']"));
        given().get("/api/flows/dash-flow").then().statusCode(200);
        assertNoScriptErrors();
    }

    @Test
    void badAddressesGetAClearMessage() {
        browser.get(url("/sagas/00000000-0000-0000-0000-000000000000"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), "Saga not found"));
        assertThat(browser.findElement(By.cssSelector("main [role=alert]")).getText()).contains("no saga 00000000-0000-0000-0000-000000000000");
        browser.get(url("/sagas/not-an-id"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main [role=alert]"), "saga ids are UUIDs"));
        browser.get(url("/sagas?from=yesterday"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main [role=alert]"), "from must be a time"));
        browser.get(url("/no-such-page"));
        assertThat(browser.getPageSource()).doesNotContain("/ui/app.js");   // not a page of the dashboard
    }

    @Test
    void everyPageRendersAndIsScreenshotInBothThemes() throws Exception {
        String done = start("order-checkout", "{\"orderId\":\"dash-3\",\"amount\":3}");
        awaitEnd(done);
        String[][] pages = {
                {"overview", "/", "Overview"}, {"messages", "/messages", "Messages"},
                {"notifications", "/notifications", "Notifications"}, {"cache-syncs", "/cache-syncs", "Cache syncs"},
                {"flows", "/flows", "Flows"}, {"flow", "/flows/order-hold", "order-hold"}, {"nodes", "/nodes", "Nodes"},
        };
        for (String[] page : pages) {
            browser.get(url(page[1]));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), page[2]));
            screenshot(page[0]);
        }
        browser.get(url("/"));
        shown(By.cssSelector("svg.chart"));
        assertThat(browser.findElement(By.cssSelector("a.card[href='/sagas?status=COMPLETED'] .big")).getText()).isNotEqualTo("0");
        browser.findElement(By.id("theme")).click();
        String theme = browser.findElement(By.tagName("html")).getAttribute("data-theme");
        screenshot("overview-" + theme);
        browser.findElement(By.id("theme")).click();
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));   // a phone
        browser.get(url("/sagas/" + done));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), "COMPLETED"));
        screenshot("saga-phone");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        assertNoScriptErrors();
    }
}
