using Npgsql;

var builder = Host.CreateApplicationBuilder(args);

// Production values come from environment variables (ConnectionStrings__Reporting) or, on a
// developer machine, from `dotnet user-secrets`; appsettings.json only has local defaults.
builder.Services.AddSingleton(_ =>
    NpgsqlDataSource.Create(builder.Configuration.GetConnectionString("Reporting")
        ?? throw new InvalidOperationException("ConnectionStrings:Reporting is not set")));
builder.Services.AddHostedService<MonthlyReportWorker>();

builder.Build().Run();
