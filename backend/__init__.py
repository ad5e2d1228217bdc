"""GAS back end: settings, domain, ports and adapters, and the service layer."""
