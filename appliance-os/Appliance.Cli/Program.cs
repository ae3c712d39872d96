Console.Error.WriteLine("appliance: not built yet");
return 2;
