// Placeholder until chatsim lands.
return 0;
