// Placeholder until the embedded proxy lands.
return 0;
