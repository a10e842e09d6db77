/**
 * The value of one Kafka or MM2 property, as a scenario writes it and as the drill renders it
 * into a properties file (`String(v)`). Its own module so that the broker config, the release
 * table and the MM2 config can all name it without importing one another.
 */
export type PropertyValue = string | number | boolean;
