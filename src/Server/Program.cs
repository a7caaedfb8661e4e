// Placeholder until the server lands.
return 0;
