"""Business rules over psycopg: tenancy, contacts, tickets, scheduling, invoices, messages, audit."""
