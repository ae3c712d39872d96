using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Appliance.Bmc.Tests;

/// <summary>
/// One naming style for the whole suite: a test is named by a sentence saying the behaviour a user
/// sees, its words joined by underscores (<c>Power_cycle_turns_the_host_off_and_back_on</c>), so a
/// failing run reads as a list of broken promises. The test sources are parsed, not matched by
/// pattern, so attributes on their own lines, arguments and generic methods cannot hide a test.
/// </summary>
public class TestNameTests
{
    [Fact]
    public void Every_test_is_named_as_a_sentence_with_its_words_joined_by_underscores()
    {
        TestMethod[] tests = TestMethods().ToArray();
        Assert.True(tests.Length > 100, $"only {tests.Length} tests found under tests/: the rule would check next to nothing");

        string[] unnamed = tests
            .Where(t => !t.Name.Contains('_', StringComparison.Ordinal))
            .Select(t => $"{t.File}:{t.Line} {t.Name}")
            .ToArray();

        Assert.True(unnamed.Length == 0, "name these tests as sentences (First_word_then_the_rest_in_lower_case):\n" + string.Join('\n', unnamed));
    }

    private sealed record TestMethod(string File, int Line, string Name);

    /// <summary>Every method marked [Fact] or [Theory] in the sources under tests/, with its file relative to the repository.</summary>
    private static IEnumerable<TestMethod> TestMethods()
    {
        string tests = Path.Combine(Repo.Root, "tests");
        foreach (string path in Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string file = Path.GetRelativePath(Repo.Root, path).Replace('\\', '/');
            if (file.Split('/').Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(path), path: file).GetRoot();
            foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>().Where(IsTest))
            {
                int line = method.Identifier.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                yield return new TestMethod(file, line, method.Identifier.ValueText);
            }
        }
    }

    private static bool IsTest(MethodDeclarationSyntax method) =>
        method.AttributeLists.SelectMany(list => list.Attributes).Any(a => AttributeName(a) is "Fact" or "Theory");

    /// <summary>The attribute's own name: <c>Xunit.FactAttribute</c> and <c>Fact</c> alike give <c>Fact</c>.</summary>
    private static string AttributeName(AttributeSyntax attribute)
    {
        string name = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => attribute.Name.ToString(),
        };
        return name.EndsWith("Attribute", StringComparison.Ordinal) ? name[..^"Attribute".Length] : name;
    }
}
