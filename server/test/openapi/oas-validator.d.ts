/** oas-validator ships no types: the one call the tests make. */
declare module 'oas-validator' {
  const validator: { validate(document: unknown, options: object): Promise<{ valid: boolean }> };
  export default validator;
}
