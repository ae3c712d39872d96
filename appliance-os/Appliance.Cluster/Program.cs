Console.Error.WriteLine("appliance-cluster: not built yet");
return 2;
