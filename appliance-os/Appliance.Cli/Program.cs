using System.CommandLine;
using Appliance.Cli;

var root = new RootCommand("appliance: the cluster of hyperconverged nodes — its nodes, VMs and membership")
{
    Cli.Json,
    Cli.Cluster,
    Cli.Config,
    ClusterCommands.Build(),
    NodeCommands.Build(),
    VmCommands.Build(),
    PowerCommands.Build(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // One line, not the whole help text: which argument is wrong, and where help is.
    string command = string.Join(' ', parse.CommandResult.Command is RootCommand ? [] : CommandPath(parse.CommandResult.Command));
    // "Required command was not provided" is the least telling when a word was not understood as well.
    var error = parse.Errors.OrderBy(e => e.Message.StartsWith("Required command", StringComparison.Ordinal)).First();
    Console.Error.WriteLine($"appliance: {error.Message} (see 'appliance {command}{(command.Length > 0 ? " " : "")}--help')");
    return 2;
}
return await parse.InvokeAsync();

static IEnumerable<string> CommandPath(Command command)
{
    var names = new Stack<string>();
    for (Symbol? s = command; s is Command c && c is not RootCommand; s = s.Parents.FirstOrDefault()) names.Push(c.Name);
    return names;
}
